import { bodyOf, changesBetween, draftOf, previewBodyOf, rebalance, sameDraft } from './routing-draft';
import { policyView } from './routing-fixtures';

describe('rebalance', () => {
  const sum = (w: { cost: number; latency: number; quality: number }) => w.cost + w.latency + w.quality;

  it('rescales the other two weights proportionally so the sum stays 1', () => {
    const w = rebalance({ cost: 0.1, latency: 0.3, quality: 0.6 }, 'cost', 0.55);
    expect(w).toEqual({ cost: 0.55, latency: 0.15, quality: 0.3 });
    expect(sum(w)).toBeCloseTo(1, 10);
  });

  it('shares the rest equally when the other two are both 0, and clamps to 0..1', () => {
    expect(rebalance({ cost: 1, latency: 0, quality: 0 }, 'cost', 0.5)).toEqual({
      cost: 0.5,
      latency: 0.25,
      quality: 0.25,
    });
    expect(rebalance({ cost: 0.4, latency: 0.4, quality: 0.2 }, 'quality', 7)).toEqual({
      cost: 0,
      latency: 0,
      quality: 1,
    });
  });

  it('keeps the sum at 1 at two decimals for awkward ratios', () => {
    const w = rebalance({ cost: 0.33, latency: 0.33, quality: 0.34 }, 'latency', 0.07);
    expect(Math.round(sum(w) * 100)).toBe(100);
  });
});

describe('bodyOf', () => {
  it('leaves out the weights of a preset level (the gateway fixes them) and keeps custom ones', () => {
    const body = bodyOf(draftOf(policyView(4)));
    expect(body.levels.eco.weights).toBeUndefined();
    expect(body.levels.eco.strategy).toBe('cost');
    expect(body.levels.precision.weights).toEqual({ cost: 0.1, latency: 0.3, quality: 0.6 });
    expect('version' in body).toBe(false);
  });

  it('carries the routing-depth settings, records in key order so that equal drafts compare equal', () => {
    const d = draftOf(policyView());
    d.levels.eco.latencyCapMs = 4000;
    d.levels.eco.chain = ['mock-swift/swift-mini', 'mock-sage/sage-medium'];
    d.useCases = { summary: ['mock-swift/swift-mini'], code: ['mock-sage/sage-large'] };
    d.balancing = { enabled: true, bandPercent: 5, weights: { 'mock-swift': 3, 'mock-sage/sage-large': 0 } };
    d.providerLimits = { 'mock-swift': { tpm: 90_000 }, 'mock-sage': { rpm: 60 } };
    const body = bodyOf(d);
    expect(body.levels.eco).toMatchObject({
      latencyCapMs: 4000,
      chain: ['mock-swift/swift-mini', 'mock-sage/sage-medium'],
    });
    expect(body.levels.precision.latencyCapMs).toBe(2000);
    expect(Object.keys(body.useCases!)).toEqual(['code', 'summary']);
    expect(body.balancing).toEqual({
      enabled: true,
      bandPercent: 5,
      weights: { 'mock-sage/sage-large': 0, 'mock-swift': 3 },
    });
    expect(JSON.stringify(body.providerLimits)).toBe('{"mock-sage":{"rpm":60},"mock-swift":{"tpm":90000}}');
    expect(body.preferenceBonus).toBe(0.05);
    expect(body.requestDeadlineMs).toBe(120_000);
    const reordered = structuredClone(d);
    reordered.useCases = { code: ['mock-sage/sage-large'], summary: ['mock-swift/swift-mini'] };
    expect(sameDraft(d, reordered)).toBe(true);
    reordered.useCases['code'] = ['mock-sage/sage-medium'];
    expect(sameDraft(d, reordered)).toBe(false);
  });
});

describe('previewBodyOf', () => {
  it('leaves out a use case without models and a limit without rates, which the gateway would refuse', () => {
    const d = draftOf(policyView());
    d.useCases = { code: [], chat: ['mock-swift/swift-mini'] };
    d.providerLimits = { 'mock-sage': {}, 'mock-swift': { tpm: 1000 } };
    const body = previewBodyOf(d);
    expect(body.useCases).toEqual({ chat: ['mock-swift/swift-mini'] });
    expect(body.providerLimits).toEqual({ 'mock-swift': { tpm: 1000 } });
    expect(bodyOf(d).useCases).toEqual({ chat: ['mock-swift/swift-mini'], code: [] });
  });
});

describe('changesBetween', () => {
  it('lists each changed field of a version, one line each', () => {
    const before = draftOf(policyView());
    const after = structuredClone(before);
    after.levels.precision.weights = { cost: 0.5, latency: 0.2, quality: 0.3 };
    after.levels.eco.maxPricePer1kMicros = '2000';
    after.maxAttempts = 2;
    after.fallbackOn = ['timeout'];
    expect(changesBetween(before, after)).toEqual([
      'eco: max price $0.001000 → $0.002000 per 1K tokens',
      'precision: weights cost 0.1 / latency 0.3 / quality 0.6 → cost 0.5 / latency 0.2 / quality 0.3',
      'max attempts 3 → 2',
      'fall back on rate_limited, auth, timeout, server, connection → timeout',
    ]);
    expect(changesBetween(before, before)).toEqual([]);
  });

  it('lists the routing-depth changes: cap, chain, bonus, deadline, use cases, balancing, limits', () => {
    const before = draftOf(policyView());
    before.useCases = { old: ['mock-sage/sage-large'] };
    const after = structuredClone(before);
    after.levels.precision.latencyCapMs = 3000;
    after.levels.eco.chain = ['mock-swift/swift-mini'];
    after.preferenceBonus = 0.1;
    after.requestDeadlineMs = 60_000;
    after.useCases = { code: ['mock-sage/sage-medium', 'mock-sage/sage-large'] };
    after.balancing = { enabled: true, bandPercent: 4, weights: { 'mock-sage': 2 } };
    after.providerLimits = { 'mock-sage': { rpm: 500, tpm: 100_000 } };
    expect(changesBetween(before, after)).toEqual([
      'eco: chain score order → mock-swift/swift-mini',
      'precision: latency cap 2000 → 3000 ms',
      'preference bonus 0.05 → 0.1',
      'request deadline 120000 → 60000 ms',
      'use case code: none → mock-sage/sage-medium, mock-sage/sage-large',
      'use case old: mock-sage/sage-large → none',
      'balancing enabled',
      'balancing band 2% → 4%',
      'balancing weight mock-sage: none → 2',
      'rate limit mock-sage: none → 500 rpm, 100000 tpm',
    ]);
  });
});
