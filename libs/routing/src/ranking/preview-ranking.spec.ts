import { catalogModel } from '@gw/catalog/testing';
import { DEFAULT_ROUTING_POLICY, type RoutingPolicy } from '../domain/routing-policy';
import { previewLevel, type PreviewInput } from './preview-ranking';
import { rankCandidates, type ProviderHealthView } from './rank-candidates';

const healthy: ProviderHealthView = {
  errorRate: () => 0,
  latencyMs: () => undefined,
  isAvailable: () => true,
};

const cheap = catalogModel('a/cheap', { quality: 0.4, typicalLatencyMs: 2_000 });
const smart = catalogModel('b/smart', {
  quality: 0.95,
  typicalLatencyMs: 500,
  prices: { inputPerMillion: 2_000_000n, outputPerMillion: 6_000_000n, cachedInputPerMillion: 0n },
});
const pricey = catalogModel('c/pricey', {
  prices: { inputPerMillion: 50_000_000n, outputPerMillion: 50_000_000n, cachedInputPerMillion: 0n },
});
const forPros = catalogModel('d/pro', { minTier: 'professional' });
const old = catalogModel('e/old', { deprecation: { replacement: 'a/cheap' } });
const ecoOnly = catalogModel('f/eco-only', { powerLevels: ['eco'] });

const input = (over: Partial<PreviewInput> = {}): PreviewInput => ({
  models: [cheap, smart, pricey, forPros, old, ecoOnly],
  policy: DEFAULT_ROUTING_POLICY,
  powerLevel: 'balanced',
  tier: 'free',
  needs: { streaming: false, tools: false, vision: false, jsonMode: false, contextTokens: 50 },
  health: healthy,
  byokProviders: new Set(),
  ...over,
});

const withWeights = (weights: RoutingPolicy['levels']['balanced']['weights']): RoutingPolicy => ({
  ...DEFAULT_ROUTING_POLICY,
  levels: {
    ...DEFAULT_ROUTING_POLICY.levels,
    balanced: { ...DEFAULT_ROUTING_POLICY.levels.balanced, strategy: 'custom', weights },
  },
});

describe('previewLevel', () => {
  it('ranks exactly as rankCandidates does, best first, with 1-based ranks', () => {
    const preview = previewLevel(input());
    expect(preview.ranked.map((r) => r.candidate)).toEqual(rankCandidates(input()));
    expect(preview.ranked.map((r) => [r.rank, r.model.id])).toEqual([
      [1, 'b/smart'],
      [2, 'a/cheap'],
    ]);
  });

  it('follows the weights: a cost-heavy draft puts the cheap model first', () => {
    const preview = previewLevel(input({ policy: withWeights({ cost: 0.9, latency: 0.05, quality: 0.05 }) }));
    expect(preview.ranked[0]!.model.id).toBe('a/cheap');
  });

  it('says why each model offered at the level is not a candidate; other levels are left out', () => {
    const preview = previewLevel(input());
    expect(preview.excluded.map((e) => [e.model.id, e.reason])).toEqual([
      ['c/pricey', 'price'],
      ['d/pro', 'tier'],
      ['e/old', 'deprecated'],
    ]);
  });

  it('reports a cooled-down provider as unavailable and a disabled model as disabled', () => {
    const preview = previewLevel(
      input({
        models: [cheap, { ...smart, enabled: false }],
        health: { ...healthy, isAvailable: (p) => p !== 'a' },
      }),
    );
    expect(preview.ranked).toEqual([]);
    expect(preview.excluded.map((e) => e.reason)).toEqual(['unavailable', 'disabled']);
  });

  it('flags a candidate whose latency reaches the bound (its latency part is 0)', () => {
    const bound: RoutingPolicy = {
      ...DEFAULT_ROUTING_POLICY,
      levels: {
        ...DEFAULT_ROUTING_POLICY.levels,
        balanced: { ...DEFAULT_ROUTING_POLICY.levels.balanced, latencyBoundMs: 1_000 },
      },
    };
    const preview = previewLevel(input({ policy: bound }));
    const slow = preview.ranked.find((r) => r.model.id === 'a/cheap')!;
    expect(slow.overLatencyBound).toBe(true);
    expect(slow.candidate.components.latency).toBe(0);
    expect(preview.ranked.find((r) => r.model.id === 'b/smart')!.overLatencyBound).toBe(false);
  });
});

describe('previewLevel with a level chain', () => {
  const chained = (chain: string[]): RoutingPolicy => ({
    ...DEFAULT_ROUTING_POLICY,
    levels: {
      ...DEFAULT_ROUTING_POLICY.levels,
      balanced: { ...DEFAULT_ROUTING_POLICY.levels.balanced, chain },
    },
  });

  it("follows the chain's order, then the others by score (which the chat path would not try)", () => {
    const preview = previewLevel(input({ policy: chained(['a/cheap', 'z/missing']) }));
    expect(preview.ranked.map((r) => [r.rank, r.model.id, r.inChain])).toEqual([
      [1, 'a/cheap', true],
      [2, 'b/smart', false],
    ]);
    expect(preview.chain).toEqual({ source: 'level', models: ['a/cheap', 'z/missing'], applied: true });
  });

  it('a chain none of whose models can serve is shown as not applied; the score order stays', () => {
    const preview = previewLevel(input({ policy: chained(['c/pricey']) }));
    expect(preview.ranked.map((r) => r.model.id)).toEqual(['b/smart', 'a/cheap']);
    expect(preview.ranked.every((r) => r.inChain)).toBe(true);
    expect(preview.chain).toMatchObject({ applied: false });
  });

  it('no chain: none in the preview', () => {
    expect(previewLevel(input()).chain).toBeUndefined();
  });
});
