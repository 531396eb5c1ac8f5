import type { CatalogModel } from '@gw/catalog';
import { UpstreamError, type UpstreamErrorKind } from '@gw/providers';
import { DEFAULT_ROUTING_POLICY, ProviderHealthTracker, type RankedCandidate } from '@gw/routing';
import { walkFallbacks, type Attempted, type WalkContext } from './fallback-walk';

const attempted = (provider: string, attempt: number, credential?: string): Attempted => ({
  candidate: {
    modelId: `${provider}/m`,
    provider,
    score: 1,
    components: { cost: 1, latency: 1, quality: 1, errorPenalty: 0 },
    byok: false,
    ...(credential && { credential }),
  } satisfies RankedCandidate,
  model: { id: `${provider}/m`, provider } as CatalogModel,
  attempt,
});

const failure = (kind: UpstreamErrorKind, providerSlug: string, retryAfterMs?: number) =>
  new UpstreamError({ kind, providerSlug, status: kind === 'rate_limited' ? 429 : 500, retryAfterMs });

/** Given three candidates and a script of what each does, when walked: the outcome and the health left behind. */
function walk(script: Record<string, UpstreamError | 'ok'>, over: Partial<WalkContext> = {}) {
  const health = new ProviderHealthTracker(undefined, undefined, () => 1_000);
  const tried: string[] = [];
  const attempts = ['a', 'b', 'c'].map((p, i) => attempted(p, i + 1));
  const context: WalkContext = {
    policy: DEFAULT_ROUTING_POLICY,
    health,
    signal: new AbortController().signal,
    trial: false,
    ...over,
  };
  const outcome = walkFallbacks(attempts, context, async ({ model }) => {
    tried.push(model.provider);
    const step = script[model.provider] ?? 'ok';
    if (step === 'ok') return `answer from ${model.provider}`;
    throw step;
  });
  return { outcome, tried, health };
}

describe('walkFallbacks', () => {
  it('answers from the first candidate that succeeds, with a hop per retryable failure before it', async () => {
    const { outcome, tried, health } = walk({
      a: failure('rate_limited', 'a', 2_000),
      b: failure('server', 'b'),
    });
    const result = await outcome;
    expect(tried).toEqual(['a', 'b', 'c']);
    expect(result).toMatchObject({ answered: true, value: 'answer from c', attempted: { attempt: 3 } });
    if (!result.answered) throw new Error('unreachable');
    expect(result.hops.map((h) => [h.from.model.provider, h.to.model.provider, h.error.kind])).toEqual([
      ['a', 'b', 'rate_limited'],
      ['b', 'c', 'server'],
    ]);
    expect(health.unavailableForMs('a')).toBe(2_000); // a's retry-after is honoured from now on
    expect(health.errorRate('b')).toBeGreaterThan(0);
    expect(health.errorRate('c')).toBe(0);
  });

  it('stops at a request the upstream refused as malformed, without blaming its health', async () => {
    const { outcome, tried, health } = walk({ a: failure('bad_request', 'a') });
    const result = await outcome;
    expect(tried).toEqual(['a']);
    expect(result).toMatchObject({ answered: false, rateLimited: false, clientClosed: false, hops: [] });
    expect(health.errorRate('a')).toBe(0);
  });

  it('stops at a failure the policy does not fall back on, still counting it against health', async () => {
    const policy = { fallbackOn: ['server' as const] };
    const { outcome, tried, health } = walk({ a: failure('rate_limited', 'a') }, { policy });
    const result = await outcome;
    expect(tried).toEqual(['a']);
    expect(result).toMatchObject({ answered: false, rateLimited: true });
    expect(health.errorRate('a')).toBeGreaterThan(0);
  });

  it('ends unanswered after the last attempt; rate limited only when every attempt was', async () => {
    const limited = await walk({
      a: failure('rate_limited', 'a'),
      b: failure('rate_limited', 'b'),
      c: failure('rate_limited', 'c'),
    }).outcome;
    expect(limited).toMatchObject({ answered: false, rateLimited: true, last: { attempt: 3 } });
    const mixed = await walk({
      a: failure('rate_limited', 'a'),
      b: failure('server', 'b'),
      c: failure('rate_limited', 'c'),
    }).outcome;
    expect(mixed).toMatchObject({ answered: false, rateLimited: false });
    if (mixed.answered) throw new Error('unreachable');
    expect(mixed.hops).toHaveLength(2); // the last failure has nowhere to go
  });

  it('a client that went away is never retried', async () => {
    const abort = new AbortController();
    const { outcome, tried } = walk({}, { signal: abort.signal });
    abort.abort();
    // Every attempt would succeed, but an aborted signal before the first failure changes nothing…
    expect((await outcome).answered).toBe(true);
    const gone = new AbortController();
    const health = new ProviderHealthTracker();
    const result = await walkFallbacks(
      ['a', 'b'].map((p, i) => attempted(p, i + 1)),
      { policy: DEFAULT_ROUTING_POLICY, health, signal: gone.signal, trial: false },
      async () => {
        gone.abort();
        throw failure('server', 'a');
      },
    );
    // …while a failure after the client left ends the walk at once, without blaming the provider.
    expect(result).toMatchObject({ answered: false, clientClosed: true, rateLimited: false, hops: [] });
    expect(health.errorRate('a')).toBe(0);
    expect(tried).toEqual(['a']);
  });

  it('records failures against the credential that paid', async () => {
    const health = new ProviderHealthTracker(
      undefined,
      { consecutiveFailures: 1, errorRate: 1, window: 5, minSamples: 5, cooldownMs: 10_000 },
      () => 5_000,
    );
    await walkFallbacks(
      [attempted('a', 1, 'byok:k1'), attempted('a', 2)],
      { policy: DEFAULT_ROUTING_POLICY, health, signal: new AbortController().signal, trial: false },
      async ({ candidate }) => {
        if (candidate.credential) throw failure('auth', 'a');
        return 'platform key answered';
      },
    );
    expect(health.isAvailable('a', 'byok:k1')).toBe(false);
    expect(health.isAvailable('a')).toBe(true); // one user's bad key does not take the provider out
  });

  it('rethrows what is not an upstream failure (a bug, not an outage)', async () => {
    await expect(
      walkFallbacks(
        [attempted('a', 1), attempted('b', 2)],
        {
          policy: DEFAULT_ROUTING_POLICY,
          health: new ProviderHealthTracker(),
          signal: new AbortController().signal,
          trial: false,
        },
        async () => {
          throw new TypeError('boom');
        },
      ),
    ).rejects.toThrow('boom');
  });
});
