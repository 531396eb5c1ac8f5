import type { Principal } from '@gw/accounts';
import type { CatalogModel, CatalogSnapshot } from '@gw/catalog';
import { catalogModel } from '@gw/catalog/testing';
import { DEFAULT_ROUTING_POLICY, ProviderHealthTracker } from '@gw/routing';
import { NotFoundError, ValidationError } from '@gw/shared-kernel';
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

const user: Principal = { userId: 'u', keyId: 'k', roles: ['user'], tier: 'free', powerLevel: 'balanced' };
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
  const plan = (dto = hi(), header?: string) =>
    planRoute(dto, user, header, catalog, DEFAULT_ROUTING_POLICY, health);

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

  it('an unknown model is a 404 naming the parameter', () => {
    expect(() => plan(hi({ model: 'nope/nope' }))).toThrow(NotFoundError);
    expect(plan(hi({ model: 'm' })).candidates[0]!.modelId).toBe('a/m'); // the upstream name works too
  });
});
