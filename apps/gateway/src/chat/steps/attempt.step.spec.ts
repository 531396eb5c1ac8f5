import { catalogModel } from '@gw/catalog/testing';
import type { KeyEntry } from '@gw/keys';
import { UpstreamError } from '@gw/providers';
import type { RankedCandidate } from '@gw/routing';
import { GatewayMetrics } from '../../metrics/gateway-metrics';
import { NO_BYOK, type ByokChoice, type UserKeyRing } from '../byok-keys';
import { AttemptCutError, type Attempted, type WalkOutcome } from '../fallback-walk';
import type { RoutePlan } from '../route-planner';
import { afterWalk, attemptSignal, isByokRejection } from './attempt.step';
import type { ChatCall } from './chat-call';

const key = { keyId: 'k1' } as KeyEntry;
const byok: ByokChoice = {
  ...NO_BYOK,
  providers: new Set(['a']),
  credentials: new Map([['a', 'byok:k1']]),
  keys: new Map([['byok:k1', key]]),
};
const attempted = (id: string, attempt: number, own = false): Attempted => ({
  model: catalogModel(id),
  candidate: {
    modelId: id,
    provider: id.split('/')[0]!,
    byok: own,
    ...(own && { credential: 'byok:k1' }),
  } as RankedCandidate,
  attempt,
});
const call = { requestId: 'r1', principal: { userId: 'u1' } } as unknown as ChatCall;
const auth = new UpstreamError({ kind: 'auth', status: 401, providerSlug: 'a' });
const server = new UpstreamError({ kind: 'server', status: 503, providerSlug: 'b' });

function ring() {
  const seen = { used: [] as KeyEntry[], rejected: [] as Array<[string, number | null]> };
  const keys = {
    used: (k: KeyEntry) => seen.used.push(k),
    rejected: (k: KeyEntry, status: number | null) => seen.rejected.push([k.keyId, status]),
  } as unknown as UserKeyRing;
  return { keys, seen };
}

describe('attempt step: afterWalk', () => {
  it('each hop is FallbackTriggered data and counted; a refused own key is marked invalid, a bypass named so', async () => {
    const { keys, seen } = ring();
    const metrics = new GatewayMetrics();
    const own = attempted('a/m', 1, true);
    const platform = attempted('a/m', 2);
    const other = attempted('b/m', 3);
    const walk: WalkOutcome<string> = {
      answered: true,
      attempted: other,
      value: 'ok',
      hops: [
        { from: own, to: platform, error: auth },
        { from: platform, to: other, error: server },
      ],
    };
    const fallbacks = afterWalk({ metrics, keys }, call, { byok } as RoutePlan, walk);
    expect(fallbacks).toEqual([
      expect.objectContaining({
        reason: 'byok_key_rejected',
        status: 401,
        attempt: 1,
        fromCredential: 'byok',
      }),
      expect.objectContaining({ reason: 'server', status: 503, attempt: 2, fromCredential: 'platform' }),
    ]);
    expect(seen.rejected).toEqual([['k1', 401]]);
    expect(seen.used).toEqual([]); // the platform's key answered
    expect(await metrics.registry.metrics()).toContain(
      'llm_fallbacks_total{from="a",to="a",reason="byok_key_rejected"} 1',
    );
  });

  it('the caller’s key that answered is marked used; the last refusal of an unanswered walk is noted too', () => {
    const { keys, seen } = ring();
    const metrics = new GatewayMetrics();
    const own = attempted('a/m', 1, true);
    afterWalk({ metrics, keys }, call, { byok } as RoutePlan, {
      answered: true,
      attempted: own,
      value: 'ok',
      hops: [],
    });
    expect(seen.used).toEqual([key]);
    afterWalk({ metrics, keys }, call, { byok } as RoutePlan, {
      answered: false,
      last: own,
      error: auth,
      hops: [],
      rateLimited: false,
      clientClosed: false,
    });
    expect(seen.rejected).toEqual([['k1', 401]]);
  });

  it('isByokRejection: only an auth failure of the caller’s own key', () => {
    expect(isByokRejection(attempted('a/m', 1, true), auth)).toBe(true);
    expect(isByokRejection(attempted('a/m', 1, false), auth)).toBe(false);
    expect(isByokRejection(attempted('a/m', 1, true), server)).toBe(false);
  });
});

describe('attempt step: a latency cap in the recorded fallback', () => {
  it('the FallbackTriggered reason says the cap passed; the metric keeps the kind', async () => {
    const { keys } = ring();
    const metrics = new GatewayMetrics();
    const slow = attempted('b/m', 1);
    const fast = attempted('c/m', 2);
    const fallbacks = afterWalk({ metrics, keys }, call, { byok: NO_BYOK } as RoutePlan, {
      answered: true,
      attempted: fast,
      value: 'ok',
      hops: [{ from: slow, to: fast, error: new AttemptCutError('latency_cap', 2_000, 'b', true) }],
    });
    expect(fallbacks).toEqual([
      expect.objectContaining({
        reason: 'latency cap 2000 ms passed before the first token',
        status: null,
        fromModelId: 'b/m',
        toModelId: 'c/m',
      }),
    ]);
    expect(await metrics.registry.metrics()).toContain(
      'llm_fallbacks_total{from="b",to="c",reason="timeout"} 1',
    );
  });
});

describe('attempt step: attemptSignal', () => {
  const bound = { ms: 20, by: 'latency_cap' } as const;
  const aborted = (signal: AbortSignal) =>
    new Promise<unknown>((resolve) => signal.addEventListener('abort', () => resolve(signal.reason)));

  it('aborts with a timeout naming the cap when the answer has not begun within the bound', async () => {
    const cut = attemptSignal(new AbortController().signal, bound, 'b', false);
    const reason = await aborted(cut.signal);
    expect(reason).toBeInstanceOf(AttemptCutError);
    expect(reason).toMatchObject({
      kind: 'timeout',
      retryable: true,
      by: 'latency_cap',
      upstreamMessage: 'latency cap 20 ms passed before the response',
    });
    cut.end();
  });

  it('once the answer began the bound no longer applies, but the client going away still aborts', async () => {
    const client = new AbortController();
    const cut = attemptSignal(client.signal, { ms: 1, by: 'deadline' }, 'b', true);
    cut.began();
    // Past the bound (a timer queued after the attempt's fires later): not aborted.
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(cut.signal.aborted).toBe(false);
    client.abort(new Error('client gone'));
    expect(cut.signal.aborted).toBe(true);
    expect((cut.signal.reason as Error).message).toBe('client gone');
  });

  it('an ended attempt is left alone by both', async () => {
    const client = new AbortController();
    const cut = attemptSignal(client.signal, { ms: 1, by: 'latency_cap' }, 'b', true);
    cut.end();
    await new Promise((resolve) => setTimeout(resolve, 5));
    client.abort();
    expect(cut.signal.aborted).toBe(false);
  });

  it('a client already gone aborts the attempt at once', () => {
    const client = new AbortController();
    client.abort(new Error('gone'));
    const cut = attemptSignal(client.signal, bound, 'b', false);
    expect(cut.signal.aborted).toBe(true);
    cut.end();
  });
});
