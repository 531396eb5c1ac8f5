import { catalogModel } from '@gw/catalog/testing';
import type { KeyEntry } from '@gw/keys';
import { UpstreamError } from '@gw/providers';
import type { RankedCandidate } from '@gw/routing';
import { GatewayMetrics } from '../../metrics/gateway-metrics';
import { NO_BYOK, type ByokChoice, type UserKeyRing } from '../byok-keys';
import type { Attempted, WalkOutcome } from '../fallback-walk';
import type { RoutePlan } from '../route-planner';
import { afterWalk, isByokRejection } from './attempt.step';
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
