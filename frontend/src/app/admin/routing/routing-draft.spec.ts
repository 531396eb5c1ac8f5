import { bodyOf, changesBetween, draftOf, rebalance } from './routing-draft';
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
});
