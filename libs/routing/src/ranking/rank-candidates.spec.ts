import type { CatalogModel } from '@gw/catalog';
import { catalogModel } from '@gw/catalog/testing';
import { DEFAULT_ROUTING_POLICY } from '../domain/routing-policy';
import {
  rankCandidates,
  type ProviderHealthView,
  type RankInput,
  type RequestNeeds,
} from './rank-candidates';

const model = catalogModel;

const healthy: ProviderHealthView = {
  errorRate: () => 0,
  latencyMs: () => undefined,
  isAvailable: () => true,
};
const needs: RequestNeeds = {
  streaming: false,
  tools: false,
  vision: false,
  jsonMode: false,
  contextTokens: 100,
};

const input = (models: CatalogModel[], over: Partial<RankInput> = {}): RankInput => ({
  models,
  policy: DEFAULT_ROUTING_POLICY,
  powerLevel: 'balanced',
  tier: 'free',
  needs,
  health: healthy,
  byokProviders: new Set(),
  ...over,
});

describe('rankCandidates', () => {
  const cheap = model('a/cheap', { quality: 0.5 });
  const smart = model('b/smart', {
    quality: 0.95,
    prices: { inputPerMillion: 5_000_000n, outputPerMillion: 15_000_000n, cachedInputPerMillion: 0n },
  });

  it('eco prefers the cheap model and drops models over its price limit', () => {
    const ranked = rankCandidates(input([smart, cheap], { powerLevel: 'eco' }));
    expect(ranked.map((r) => r.modelId)).toEqual(['a/cheap']);
  });

  it('precision prefers quality', () => {
    const ranked = rankCandidates(input([cheap, smart], { powerLevel: 'precision' }));
    expect(ranked[0]!.modelId).toBe('b/smart');
    expect(ranked).toHaveLength(2);
  });

  it('computes the documented formula', () => {
    const [r] = rankCandidates(input([cheap]));
    // balanced: max $0.01/1K = 10,000 µ$; blended price = (0.1+0.4)/2 $/M = 250 µ$/1K
    const cost = 1 - 250 / 10_000;
    const latency = 1 - 1000 / 10_000;
    expect(r!.score).toBeCloseTo(0.4 * cost + 0.4 * latency + 0.2 * 0.5, 10);
  });

  it('penalises a provider with errors by (1 − error_rate·0.5)', () => {
    const twin = model('c/twin');
    const flaky: ProviderHealthView = { ...healthy, errorRate: (p) => (p === 'a' ? 0.5 : 0) };
    const ranked = rankCandidates(input([cheap, twin], { health: flaky }));
    expect(ranked.map((r) => r.modelId)).toEqual(['c/twin', 'a/cheap']);
    expect(ranked[1]!.score).toBeCloseTo(ranked[0]!.score * 0.75, 10);
  });

  it('filters by capability, context window, tier, availability and enabled flag', () => {
    const noTools = model('a/notools', {
      capabilities: { streaming: true, tools: false, vision: false, jsonMode: true },
    });
    const small = model('a/small', { contextWindow: 50 });
    const pro = model('a/pro', { minTier: 'professional' });
    const off = model('a/off', { enabled: false });
    const down = model('z/down');
    const health: ProviderHealthView = { ...healthy, isAvailable: (p) => p !== 'z' };
    const ranked = rankCandidates(
      input([noTools, small, pro, off, down, cheap], { needs: { ...needs, tools: true }, health }),
    );
    expect(ranked.map((r) => r.modelId)).toEqual(['a/cheap']);
  });

  it('drops models that cannot give as many output tokens as asked', () => {
    const short = model('a/short', { maxOutputTokens: 1_000 });
    const long = model('b/long', { maxOutputTokens: 64_000 });
    expect(
      rankCandidates(input([short, long], { needs: { ...needs, maxOutputTokens: 4_000 } })).map(
        (r) => r.modelId,
      ),
    ).toEqual(['b/long']);
  });

  it('a pinned model skips the price and power-level filters but not capabilities', () => {
    expect(
      rankCandidates(input([cheap, smart], { powerLevel: 'eco', pinnedModelId: 'b/smart' })).map(
        (r) => r.modelId,
      ),
    ).toEqual(['b/smart']);
    expect(
      rankCandidates(input([smart], { pinnedModelId: 'b/smart', needs: { ...needs, vision: true } })),
    ).toEqual([]);
  });

  it('never chooses a deprecated model, but serves it when named', () => {
    const old = model('a/old', { deprecation: { replacement: 'a/cheap' } });
    expect(rankCandidates(input([old, cheap])).map((r) => r.modelId)).toEqual(['a/cheap']);
    expect(rankCandidates(input([old, cheap], { pinnedModelId: 'a/old' })).map((r) => r.modelId)).toEqual([
      'a/old',
    ]);
  });

  it('breaks ties by model id, deterministically', () => {
    const x = model('x/m');
    const y = model('y/m');
    expect(rankCandidates(input([y, x])).map((r) => r.modelId)).toEqual(['x/m', 'y/m']);
  });

  it('returns the best `limit` candidates in order, whatever the catalog order', () => {
    const many = Array.from({ length: 40 }, (_, i) =>
      model(`p${i % 7}/m${String(i).padStart(2, '0')}`, { quality: ((i * 37) % 100) / 100 }),
    );
    const all = rankCandidates(input(many, { limit: 40 }));
    const top = rankCandidates(input([...many].reverse(), { limit: 5 }));
    expect(all).toHaveLength(40);
    expect(top).toEqual(all.slice(0, 5));
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.score).toBeGreaterThanOrEqual(all[i]!.score);
  });

  it('prefers a BYOK provider by the policy bonus', () => {
    const x = model('x/m');
    const y = model('y/m');
    const ranked = rankCandidates(input([x, y], { byokProviders: new Set(['y']) }));
    expect(ranked[0]!.modelId).toBe('y/m');
    expect(ranked[0]!.byok).toBe(true);
  });
});

describe('rankCandidates: preference bonus, BYOK bonus and provider rate limits', () => {
  const a = model('a/m');
  const b = model('b/m', { quality: 0.6 }); // a little better than a/m (quality 0.5 by default)
  const levelWith = (preferredProviders: string[]) => ({
    ...DEFAULT_ROUTING_POLICY.levels.balanced,
    preferredProviders,
  });
  const policyWith = (over: Partial<typeof DEFAULT_ROUTING_POLICY> & { preferred?: string[] } = {}) => {
    const { preferred = [], ...rest } = over;
    return {
      ...DEFAULT_ROUTING_POLICY,
      levels: { ...DEFAULT_ROUTING_POLICY.levels, balanced: levelWith(preferred) },
      ...rest,
    };
  };

  it("adds the policy's preferenceBonus to the level's preferred providers only, and shows it", () => {
    const plain = rankCandidates(input([a, b], { policy: policyWith() }));
    expect(plain.map((r) => r.modelId)).toEqual(['b/m', 'a/m']);
    expect(plain[0]!.components).not.toHaveProperty('preference');

    const preferred = rankCandidates(
      input([a, b], { policy: policyWith({ preferred: ['a'], preferenceBonus: 0.3 }) }),
    );
    expect(preferred.map((r) => r.modelId)).toEqual(['a/m', 'b/m']);
    const plainA = plain.find((r) => r.modelId === 'a/m')!;
    expect(preferred[0]!.score).toBeCloseTo(plainA.score + 0.3, 10);
    expect(preferred[0]!.components.preference).toBe(0.3);
    expect(preferred[1]!.components).not.toHaveProperty('preference');
  });

  it('a small preferenceBonus does not lift a preferred provider past a clearly better one', () => {
    const ranked = rankCandidates(
      input([a, b], { policy: policyWith({ preferred: ['a'], preferenceBonus: 0.001 }) }),
    );
    expect(ranked.map((r) => r.modelId)).toEqual(['b/m', 'a/m']);
    expect(ranked[1]!.components.preference).toBe(0.001);
  });

  it('shows the BYOK bonus as `byok` when the caller pays with their own key', () => {
    const ranked = rankCandidates(input([a, b], { policy: policyWith(), byokProviders: new Set(['a']) }));
    const byA = ranked.find((r) => r.modelId === 'a/m')!;
    expect(byA.components.byok).toBe(DEFAULT_ROUTING_POLICY.byokBonus);
    expect(ranked.find((r) => r.modelId === 'b/m')!.components).not.toHaveProperty('byok');
  });

  const loadOf =
    (u: Record<string, number>) =>
    (provider: string): number =>
      u[provider] ?? 0;
  const withLoad = (u: Record<string, number>, limits: Record<string, { rpm?: number; tpm?: number }>) => ({
    policy: policyWith({ providerLimits: limits }),
    load: { utilization: (p: string) => loadOf(u)(p) },
    nowMs: 0,
  });

  it('no penalty under 80 % of the limit; (u − 0.8)/0.2 between 80 % and 100 %, score × (1 − 0.5·rateLimit)', () => {
    const free = rankCandidates(input([a, b], withLoad({ b: 0.79 }, { b: { rpm: 100 } })));
    expect(free.find((r) => r.modelId === 'b/m')!.components).not.toHaveProperty('rateLimit');
    const base = rankCandidates(input([a, b], { policy: policyWith() }));
    const baseB = base.find((r) => r.modelId === 'b/m')!.score;
    const busy = rankCandidates(input([a, b], withLoad({ b: 0.9 }, { b: { rpm: 100 } })));
    const busyB = busy.find((r) => r.modelId === 'b/m')!;
    expect(busyB.components.rateLimit).toBeCloseTo(0.5, 10);
    expect(busyB.score).toBeCloseTo(baseB * 0.75, 10);
  });

  it('at or past its limit a provider goes behind every candidate under its limit, still a candidate', () => {
    const best = model('b/best', { quality: 1 });
    const ranked = rankCandidates(input([a, best], withLoad({ b: 1.2 }, { b: { rpm: 2 } })));
    expect(ranked.map((r) => r.modelId)).toEqual(['a/m', 'b/best']);
    expect(ranked[1]!.components.rateLimit).toBe(1);
    // the limit only counts for providers the policy names
    const unlisted = rankCandidates(input([a, best], withLoad({ b: 1.2 }, {})));
    expect(unlisted.map((r) => r.modelId)).toEqual(['b/best', 'a/m']);
  });

  it("a caller's own key is not held to the platform key's limit", () => {
    const best = model('b/best', { quality: 1 });
    const ranked = rankCandidates(
      input([a, best], { ...withLoad({ b: 5 }, { b: { rpm: 2 } }), byokProviders: new Set(['b']) }),
    );
    expect(ranked[0]!.modelId).toBe('b/best');
    expect(ranked[0]!.components).not.toHaveProperty('rateLimit');
  });
});
