import { DEFAULT_TIER_POLICY, type Principal, type TierPolicy } from '@gw/accounts';
import type { CatalogModel, CatalogSnapshot } from '@gw/catalog';
import { catalogModel } from '@gw/catalog/testing';
import {
  DEFAULT_ROUTING_POLICY,
  ProviderHealthTracker,
  ProviderLoadTracker,
  type RoutingPolicy,
} from '@gw/routing';
import { ForbiddenError, NotFoundError, ValidationError } from '@gw/shared-kernel';
import type { ChatCompletionDto } from './chat-completion.dto';
import { ProvidersPausedError } from './chat.errors';
import { planRoute } from './route-planner';

const model = catalogModel;

const catalogOf = (models: CatalogModel[]): CatalogSnapshot => ({
  providers: new Map(
    models.map((m) => [
      m.provider,
      { slug: m.provider, name: m.provider, kind: 'openai-compatible', baseUrl: 'http://x', enabled: true },
    ]),
  ),
  models,
});

const user: Principal = {
  userId: 'u',
  keyId: 'k',
  roles: ['user'],
  tier: 'professional',
  powerLevel: 'balanced',
};
const hi = (over: Partial<ChatCompletionDto> = {}): ChatCompletionDto =>
  ({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], ...over }) as ChatCompletionDto;

/** A, B and C, in that order of preference while healthy (quality decides). */
const catalog = catalogOf([
  model('a/m', { quality: 0.9 }),
  model('b/m', { quality: 0.7 }),
  model('c/m', { quality: 0.5 }),
]);
/** What `run` threw (fails the test when it threw nothing). */
function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, got none');
}

const BREAKER = { consecutiveFailures: 1, errorRate: 1, window: 5, minSamples: 5, cooldownMs: 60_000 };

describe('planRoute', () => {
  let now: number;
  let health: ProviderHealthTracker;
  beforeEach(() => {
    now = 1_000_000;
    health = new ProviderHealthTracker(undefined, BREAKER, () => now);
  });
  const plan = (
    dto = hi(),
    header?: string,
    who: Principal = user,
    tiers: TierPolicy = DEFAULT_TIER_POLICY,
  ) => planRoute(dto, who, header, tiers, catalog, DEFAULT_ROUTING_POLICY, health);

  it('ranks healthy candidates and skips one whose circuit is open', () => {
    expect(plan().candidates.map((c) => c.modelId)).toEqual(['a/m', 'b/m', 'c/m']);
    health.recordFailure('a', 'server');
    const p = plan();
    expect(p.panic).toBe(false);
    expect(p.candidates.map((c) => c.modelId)).toEqual(['b/m', 'c/m']);
  });

  it('panic mode: every circuit open, all are tried anyway, least recently failed first', () => {
    health.recordFailure('b', 'server');
    now += 10;
    health.recordFailure('c', 'server');
    now += 10;
    health.recordFailure('a', 'server');
    const p = plan();
    expect(p.panic).toBe(true);
    expect(p.candidates.map((c) => c.modelId)).toEqual(['b/m', 'c/m', 'a/m']);
    expect([...p.models.keys()].sort()).toEqual(['a/m', 'b/m', 'c/m']);
  });

  it("panic mode still honours a provider's own retry-after", () => {
    health.recordFailure('a', 'server');
    health.recordFailure('b', 'rate_limited', 5_000);
    health.recordFailure('c', 'server');
    expect(plan().candidates.map((c) => c.modelId)).toEqual(['a/m', 'c/m']);
  });

  it('every candidate paused by its retry-after: 429 with the earliest end, nobody called', () => {
    health.recordFailure('a', 'rate_limited', 9_000);
    health.recordFailure('b', 'rate_limited', 4_000);
    health.recordFailure('c', 'rate_limited', 7_000);
    now += 1_000;
    const refused = thrown(() => plan());
    expect(refused).toBeInstanceOf(ProvidersPausedError);
    expect((refused as ProvidersPausedError).toErrorResponse()).toMatchObject({
      status: 429,
      code: 'rate_limited',
      headers: { 'retry-after': '3' },
    });
  });

  it('a named model whose circuit is open is tried anyway (it is the only candidate)', () => {
    health.recordFailure('a', 'server');
    const p = plan(hi({ model: 'a/m' }));
    expect(p).toMatchObject({ panic: true, candidates: [{ modelId: 'a/m' }] });
  });

  it('a request no model could serve even with every provider healthy is a 400 naming the filter', () => {
    for (const p of ['a', 'b', 'c']) health.recordFailure(p, 'server'); // health is not what stops it
    const tools = [{ type: 'function', function: { name: 'f' } }];
    const noTools = catalogOf([
      model('x/m', { capabilities: { streaming: true, tools: false, vision: false, jsonMode: true } }),
    ]);
    const noEligible = thrown(() =>
      planRoute(
        hi({ tools } as Partial<ChatCompletionDto>),
        user,
        undefined,
        DEFAULT_TIER_POLICY,
        noTools,
        DEFAULT_ROUTING_POLICY,
        health,
      ),
    );
    expect(noEligible).toMatchObject({
      code: 'ROUTING.NO_ELIGIBLE_MODEL',
      details: { param: 'tools' },
      message: expect.stringContaining('tool calls'),
    });
    const huge = hi({
      messages: [{ role: 'user', content: 'word '.repeat(200_000) }],
    } as Partial<ChatCompletionDto>);
    const e = thrown(() => plan(huge));
    expect(e).toBeInstanceOf(ValidationError);
    expect(e).toMatchObject({ code: 'ROUTING.NO_ELIGIBLE_MODEL', details: { param: 'messages' } });
    expect(e.message).toContain('largest context window at power level balanced (128000 tokens)');
  });

  it('the power level comes from the header, then the alias, then the body, then the account', () => {
    expect(plan(hi({ model: 'eco', power_level: 'precision' }), 'balanced').powerLevel).toBe('balanced');
    expect(plan(hi({ model: 'eco', power_level: 'precision' })).powerLevel).toBe('eco');
    expect(plan(hi({ power_level: 'precision' })).powerLevel).toBe('precision');
    expect(plan().powerLevel).toBe('balanced');
    expect(thrown(() => plan(hi(), 'turbo'))).toMatchObject({ details: { param: 'X-Power-Level' } });
  });

  it('a power level the tier does not include is a 403 naming where it was asked and the tier unlocking it', () => {
    const starter: Principal = { ...user, tier: 'starter' };
    for (const [dto, header, param] of [
      [hi(), 'precision', 'X-Power-Level'],
      [hi({ model: 'precision' }), undefined, 'model'],
      [hi({ power_level: 'precision' }), undefined, 'power_level'],
    ] as const) {
      const e = thrown(() => plan(dto, header, starter));
      expect(e).toBeInstanceOf(ForbiddenError);
      expect(e).toMatchObject({
        code: 'ACCOUNTS.POWER_LEVEL_NOT_ALLOWED',
        details: { param, tier: 'starter', requiredTier: 'professional' },
      });
      expect(e.message).toBe(
        'The starter tier does not include the precision power level; the professional tier unlocks it.',
      );
    }
    expect(plan(hi({ model: 'balanced' }), undefined, starter).powerLevel).toBe('balanced');
    // The header wins even when a later source would have been refused.
    expect(plan(hi({ power_level: 'precision' }), 'eco', starter).powerLevel).toBe('eco');
  });

  it("the account's own level is used as the tier allows it now (an admin narrowed the tier)", () => {
    const narrowed: TierPolicy = {
      ...DEFAULT_TIER_POLICY,
      professional: { ...DEFAULT_TIER_POLICY.professional, powerLevels: ['eco'] },
    };
    expect(plan(hi(), undefined, { ...user, powerLevel: 'precision' }).powerLevel).toBe('precision');
    expect(plan(hi(), undefined, { ...user, powerLevel: 'precision' }, narrowed).powerLevel).toBe('eco');
    expect(plan(hi({ model: 'auto' }), undefined, { ...user, tier: 'free' }).powerLevel).toBe('eco');
  });

  it('an unknown model is a 404 naming the parameter', () => {
    expect(() => plan(hi({ model: 'nope/nope' }))).toThrow(NotFoundError);
    expect(plan(hi({ model: 'm' })).candidates[0]!.modelId).toBe('a/m'); // the upstream name works too
  });

  describe('routing depth', () => {
    const withPolicy = (over: Partial<RoutingPolicy>, chain: string[] = []): RoutingPolicy => ({
      ...DEFAULT_ROUTING_POLICY,
      levels: {
        ...DEFAULT_ROUTING_POLICY.levels,
        balanced: { ...DEFAULT_ROUTING_POLICY.levels.balanced, chain },
      },
      ...over,
    });
    const planWith = (policy: RoutingPolicy, dto = hi(), request = {}) =>
      planRoute(
        dto,
        user,
        undefined,
        DEFAULT_TIER_POLICY,
        catalog,
        policy,
        health,
        undefined,
        undefined,
        request,
      );

    it('records what the request needed of a model', () => {
      const p = plan(hi({ stream: true, max_tokens: 50 }));
      expect(p.needs).toMatchObject({
        streaming: true,
        tools: false,
        vision: false,
        jsonMode: false,
        maxOutputTokens: 50,
      });
      expect(p.needs.contextTokens).toBeGreaterThan(50);
      expect(p).not.toHaveProperty('useCase');
      expect(p).not.toHaveProperty('chain');
    });

    it('the use case comes from the header, else metadata.use_case, and picks its chain', () => {
      const policy = withPolicy({ useCases: { support: ['c/m', 'b/m'] } });
      const byHeader = planWith(policy, hi({ metadata: { use_case: 'other' } }), {
        useCaseHeader: 'support',
      });
      expect(byHeader.useCase).toBe('support');
      expect(byHeader.candidates.map((c) => c.modelId)).toEqual(['c/m', 'b/m']);
      expect(byHeader.chain).toEqual({ source: 'use_case', models: ['c/m', 'b/m'], applied: true });
      const byMetadata = planWith(policy, hi({ metadata: { use_case: 'support' } }));
      expect(byMetadata.candidates[0]!.modelId).toBe('c/m');
      // unknown: recorded, no chain; malformed: ignored, never an error
      const unknown = planWith(policy, hi({ metadata: { use_case: 'nobody' } }));
      expect(unknown.useCase).toBe('nobody');
      expect(unknown.chain).toBeUndefined();
      expect(unknown.candidates[0]!.modelId).toBe('a/m');
      expect(planWith(policy, hi(), { useCaseHeader: 'Bad Name!' })).not.toHaveProperty('useCase');
    });

    it("a pinned model ignores the level's chain", () => {
      const p = planWith(withPolicy({}, ['c/m']), hi({ model: 'b/m' }));
      expect(p.candidates.map((c) => c.modelId)).toEqual(['b/m']);
      expect(p.chain).toBeUndefined();
    });

    it('balancing draws the first candidate from the request id, the same each time', () => {
      const policy = withPolicy({ balancing: { enabled: true, bandPercent: 50, weights: { 'a/m': 0 } } });
      const p = planWith(policy, hi(), { requestId: 'r-1' });
      expect(p.balancing).toMatchObject({ bandPercent: 50, chosen: p.candidates[0]!.modelId });
      expect(p.candidates[0]!.modelId).not.toBe('a/m');
      expect(planWith(policy, hi(), { requestId: 'r-1' }).candidates).toEqual(p.candidates);
    });

    it('a provider at its rate limit on the platform key is tried after the others', () => {
      const load = new ProviderLoadTracker(() => now);
      const policy = withPolicy({ providerLimits: { a: { rpm: 2 } } });
      expect(planWith(policy, hi(), { load }).candidates[0]!.modelId).toBe('a/m');
      load.record('a', 10);
      load.record('a', 10);
      const p = planWith(policy, hi(), { load });
      expect(p.candidates.map((c) => c.modelId)).toEqual(['b/m', 'c/m', 'a/m']);
      expect(p.candidates[2]!.components.rateLimit).toBe(1);
    });
  });
});
