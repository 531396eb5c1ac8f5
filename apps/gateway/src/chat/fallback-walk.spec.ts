import type { CatalogModel } from '@gw/catalog';
import { UpstreamError, type UpstreamErrorKind } from '@gw/providers';
import { DEFAULT_ROUTING_POLICY, ProviderHealthTracker, type RankedCandidate } from '@gw/routing';
import {
  AttemptCutError,
  attemptBound,
  walkFallbacks,
  type AttemptBound,
  type Attempted,
  type WalkContext,
} from './fallback-walk';

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

/** A request that arrived at 0 on a clock that stands still: every attempt is bounded by the cap. */
const TIMING = { level: 'balanced', startedMs: 0, now: () => 0 } as const;

/** Given three candidates and a script of what each does, when walked: the outcome and the health left behind. */
function walk(script: Record<string, UpstreamError | 'ok'>, over: Partial<WalkContext> = {}) {
  const health = new ProviderHealthTracker(undefined, undefined, () => 1_000);
  const tried: string[] = [];
  const attempts = ['a', 'b', 'c'].map((p, i) => attempted(p, i + 1));
  const context: WalkContext = {
    ...TIMING,
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
    const policy = { ...DEFAULT_ROUTING_POLICY, fallbackOn: ['server' as const] };
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
      { ...TIMING, policy: DEFAULT_ROUTING_POLICY, health, signal: gone.signal, trial: false },
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
      {
        ...TIMING,
        policy: DEFAULT_ROUTING_POLICY,
        health,
        signal: new AbortController().signal,
        trial: false,
      },
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
          ...TIMING,
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

  it('gives each attempt its bound at the moment it starts', async () => {
    let clock = 100; // the request arrived at 100 and its first attempt starts at once
    const bounds: AttemptBound[] = [];
    const policy = { ...DEFAULT_ROUTING_POLICY, requestDeadlineMs: 10_000 };
    const result = await walkFallbacks(
      ['a', 'b', 'c'].map((p, i) => attempted(p, i + 1)),
      {
        policy,
        level: 'precision',
        startedMs: 100,
        now: () => clock,
        health: new ProviderHealthTracker(),
        signal: new AbortController().signal,
        trial: false,
      },
      async ({ model }, bound) => {
        bounds.push(bound);
        clock += model.provider === 'a' ? 2_100 : 7_000; // a is cut at its cap, b takes longer
        if (model.provider === 'c') return 'c answered';
        throw new AttemptCutError(bound.by, bound.ms, model.provider, false);
      },
    );
    expect(bounds).toEqual([
      { ms: 2_000, by: 'latency_cap' }, // precision's default cap
      { ms: 2_000, by: 'latency_cap' }, // 7,900 ms left
      { ms: 900, by: 'deadline' }, // 100 + 10,000 - 9,200 = 900 ms left
    ]);
    expect(result).toMatchObject({ answered: true, value: 'c answered', attempted: { attempt: 3 } });
  });

  it('a latency cap cut falls back as a timeout and counts against the provider', async () => {
    const { outcome, tried, health } = walk({ a: new AttemptCutError('latency_cap', 5_000, 'a', true) });
    const result = await outcome;
    expect(tried).toEqual(['a', 'b']);
    if (!result.answered) throw new Error('expected an answer');
    expect(result.hops).toHaveLength(1);
    expect(result.hops[0]!.error).toMatchObject({
      kind: 'timeout',
      upstreamMessage: 'latency cap 5000 ms passed before the first token',
    });
    expect(health.errorRate('a')).toBeGreaterThan(0);
  });

  it('starts no attempt once the deadline has passed: unanswered, deadline exceeded, no hop to nowhere', async () => {
    let clock = 0;
    const tried: string[] = [];
    const health = new ProviderHealthTracker();
    const result = await walkFallbacks(
      ['a', 'b', 'c'].map((p, i) => attempted(p, i + 1)),
      {
        policy: { ...DEFAULT_ROUTING_POLICY, requestDeadlineMs: 1_000 },
        level: 'balanced',
        startedMs: 0,
        now: () => clock,
        health,
        signal: new AbortController().signal,
        trial: false,
      },
      async ({ model }) => {
        tried.push(model.provider);
        clock = 1_000; // a fails (a 503) just as the deadline passes
        throw failure('server', model.provider);
      },
    );
    expect(tried).toEqual(['a']);
    expect(result).toMatchObject({
      answered: false,
      deadlineExceeded: true,
      rateLimited: false,
      clientClosed: false,
      last: { attempt: 1 },
      hops: [],
    });
    expect(health.errorRate('a')).toBeGreaterThan(0); // its own failure still counts
  });

  it('an attempt cut by the deadline ends the walk without blaming its provider', async () => {
    const { outcome, tried, health } = walk({ a: new AttemptCutError('deadline', 40, 'a', false) });
    const result = await outcome;
    expect(tried).toEqual(['a']);
    expect(result).toMatchObject({ answered: false, deadlineExceeded: true, hops: [] });
    expect(health.errorRate('a')).toBe(0);
  });
});

describe('attemptBound', () => {
  const policy = {
    levels: {
      eco: { latencyCapMs: 10_000 },
      balanced: { latencyCapMs: 5_000 },
      precision: { latencyCapMs: 2_000 },
    },
    attemptTimeoutMs: 60_000,
    requestDeadlineMs: 120_000,
  } as const;

  it("is the level's latency cap while plenty of time is left", () => {
    expect(attemptBound(policy, 'eco', 1_000, 1_000)).toEqual({ ms: 10_000, by: 'latency_cap' });
    expect(attemptBound(policy, 'precision', 1_000, 50_000)).toEqual({ ms: 2_000, by: 'latency_cap' });
  });

  it('is the time left when the deadline comes before the cap', () => {
    expect(attemptBound(policy, 'balanced', 1_000, 117_500)).toEqual({ ms: 3_500, by: 'deadline' });
    expect(attemptBound(policy, 'balanced', 0, 119_999)).toEqual({ ms: 1, by: 'deadline' });
  });

  it('is the attempt timeout when that is the shortest', () => {
    const short = { ...policy, attemptTimeoutMs: 1_500 };
    expect(attemptBound(short, 'balanced', 0, 0)).toEqual({ ms: 1_500, by: 'attempt_timeout' });
    expect(attemptBound(short, 'balanced', 0, 119_000)).toEqual({ ms: 1_000, by: 'deadline' });
  });

  it('names the cap on a tie', () => {
    expect(attemptBound(policy, 'balanced', 0, 115_000)).toEqual({ ms: 5_000, by: 'latency_cap' });
  });

  it('is null once the deadline has passed (less than a millisecond left)', () => {
    expect(attemptBound(policy, 'eco', 0, 120_000)).toBeNull();
    expect(attemptBound(policy, 'eco', 0, 119_999.5)).toBeNull();
    expect(attemptBound(policy, 'eco', 0, 200_000)).toBeNull();
  });
});
