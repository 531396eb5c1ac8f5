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
