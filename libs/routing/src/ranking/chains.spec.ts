import type { CatalogModel } from '@gw/catalog';
import { catalogModel } from '@gw/catalog/testing';
import { DEFAULT_ROUTING_POLICY, type RoutingPolicy } from '../domain/routing-policy';
import { applyChain, chainFor, useCaseOf } from './chains';
import type { ProviderHealthView, RankInput } from './rank-candidates';
import { rankRoute } from './rank-route';

const healthy: ProviderHealthView = {
  errorRate: () => 0,
  latencyMs: () => undefined,
  isAvailable: () => true,
};

const policyWith = (over: Partial<RoutingPolicy> = {}, levelChain: string[] = []): RoutingPolicy => ({
  ...DEFAULT_ROUTING_POLICY,
  levels: {
    ...DEFAULT_ROUTING_POLICY.levels,
    balanced: { ...DEFAULT_ROUTING_POLICY.levels.balanced, preferredProviders: [], chain: levelChain },
  },
  ...over,
});

const input = (models: CatalogModel[], policy: RoutingPolicy, over: Partial<RankInput> = {}) => ({
  models,
  policy,
  powerLevel: 'balanced' as const,
  tier: 'enterprise' as const,
  needs: { streaming: false, tools: false, vision: false, jsonMode: false, contextTokens: 10 },
  health: healthy,
  byokProviders: new Set<string>(),
  requestId: 'req-1',
  ...over,
});

describe('useCaseOf', () => {
  it('takes the header first, else metadata.use_case; a malformed name is ignored', () => {
    expect(useCaseOf('support', { use_case: 'other' })).toBe('support');
    expect(useCaseOf(undefined, { use_case: 'summaries' })).toBe('summaries');
    expect(useCaseOf('', { use_case: 'summaries' })).toBe('summaries');
    expect(useCaseOf('Not Valid!', undefined)).toBeUndefined();
    expect(useCaseOf(undefined, { use_case: 42 })).toBeUndefined();
    expect(useCaseOf(undefined, { use_case: 'x'.repeat(41) })).toBeUndefined();
    expect(useCaseOf(undefined, null)).toBeUndefined();
  });
});

describe('chainFor', () => {
  const policy = policyWith({ useCases: { support: ['b/m', 'a/m'], empty: [] } }, ['c/m']);
  it("a known use case's chain first, else the level's, none for a pinned model", () => {
    expect(chainFor(policy, 'balanced', 'support', false)).toEqual({
      source: 'use_case',
      models: ['b/m', 'a/m'],
    });
    expect(chainFor(policy, 'balanced', 'unknown', false)).toEqual({ source: 'level', models: ['c/m'] });
    expect(chainFor(policy, 'balanced', undefined, false)).toEqual({ source: 'level', models: ['c/m'] });
    expect(chainFor(policy, 'balanced', 'support', true)).toBeUndefined();
    expect(chainFor(policy, 'eco', undefined, false)).toBeUndefined();
    expect(chainFor(policy, 'balanced', 'toString', false)).toEqual({ source: 'level', models: ['c/m'] });
  });
});

describe('applyChain', () => {
  const c = (modelId: string, rateLimit?: number) => ({
    modelId,
    components: rateLimit === undefined ? {} : { rateLimit },
  });
  it('keeps chain order, drops what is not found, puts a provider at its limit last', () => {
    const found = [c('a'), c('b', 1), c('d')];
    expect(applyChain(['b', 'x', 'd', 'a'], found).map((x) => x.modelId)).toEqual(['d', 'a', 'b']);
    expect(applyChain(['x'], found)).toEqual([]);
  });
});

describe('rankRoute', () => {
  const a = catalogModel('a/m', { quality: 0.9 });
  const b = catalogModel('b/m', { quality: 0.5 });
  const c = catalogModel('c/m', { quality: 0.4 });
  const disabled = catalogModel('d/m', { enabled: false });

  it('without a chain or balancing it is the score order, recording nothing', () => {
    const route = rankRoute(input([a, b, c], policyWith()));
    expect(route.candidates.map((x) => x.modelId)).toEqual(['a/m', 'b/m', 'c/m']);
    expect(route.chain).toBeUndefined();
    expect(route.balancing).toBeUndefined();
  });

  it("a use case's chain gives its eligible models in chain order, with their scores", () => {
    const policy = policyWith({ useCases: { support: ['c/m', 'd/m', 'b/m'] } });
    const route = rankRoute(input([a, b, c, disabled], policy, {}));
    expect(route.candidates[0]!.modelId).toBe('a/m'); // no use case named: score order
    const named = rankRoute({ ...input([a, b, c, disabled], policy), useCase: 'support' });
    expect(named.candidates.map((x) => x.modelId)).toEqual(['c/m', 'b/m']);
    expect(named.candidates[0]!.score).toBeGreaterThan(0);
    expect(named.chain).toEqual({ source: 'use_case', models: ['c/m', 'd/m', 'b/m'], applied: true });
  });

  it("the level's chain applies when the use case is unknown; a chain outside the top ten still applies", () => {
    const many = Array.from({ length: 20 }, (_, i) => catalogModel(`p${i}/m`, { quality: 0.9 - i * 0.01 }));
    const route = rankRoute({ ...input([...many, c], policyWith({}, ['c/m'])), useCase: 'nobody' });
    expect(route.candidates.map((x) => x.modelId)).toEqual(['c/m']);
    expect(route.chain).toMatchObject({ source: 'level', applied: true });
  });

  it('no eligible model in the chain: the score order, recorded as not applied', () => {
    const route = rankRoute(input([a, b, disabled], policyWith({}, ['d/m', 'z/m'])));
    expect(route.candidates.map((x) => x.modelId)).toEqual(['a/m', 'b/m']);
    expect(route.chain).toEqual({ source: 'level', models: ['d/m', 'z/m'], applied: false });
  });

  it('a pinned model ignores chains and balancing', () => {
    const policy = policyWith({ balancing: { enabled: true, bandPercent: 50, weights: {} } }, ['c/m']);
    const route = rankRoute(input([a, b, c], policy, { pinnedModelId: 'b/m' }));
    expect(route.candidates.map((x) => x.modelId)).toEqual(['b/m']);
    expect(route.chain).toBeUndefined();
    expect(route.balancing).toBeUndefined();
  });

  it('balancing draws within the band when no chain applied', () => {
    const twin = catalogModel('t/m', { quality: 0.9 });
    const policy = policyWith({ balancing: { enabled: true, bandPercent: 5, weights: { 'a/m': 0 } } });
    const route = rankRoute(input([a, twin, c], policy));
    // a/m has weight 0: the other one in the band is always drawn
    expect(route.candidates.map((x) => x.modelId)).toEqual(['t/m', 'a/m', 'c/m']);
    expect(route.balancing).toMatchObject({ bandPercent: 5, pool: ['a/m', 't/m'], chosen: 't/m' });
    // with a chain applied, no balancing
    const chained = rankRoute(
      input([a, twin, c], { ...policy, levels: policyWith({}, ['a/m', 't/m']).levels }),
    );
    expect(chained.candidates.map((x) => x.modelId)).toEqual(['a/m', 't/m']);
    expect(chained.balancing).toBeUndefined();
  });
});
