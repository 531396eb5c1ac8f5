import type { RecordedEvent } from '@gw/shared-kernel';
import { emptyHistogram } from '../../health/latency-histogram';
import { attemptsOf } from './provider-health-attempt';
import { countAttempt, type HealthBucketRow } from './provider-health.writer';

const AT = new Date('2026-12-01T10:00:30Z');
let position = 0n;
const event = (type: string, data: Record<string, unknown>, requestId = 'r1'): RecordedEvent => {
  position += 1n;
  return {
    id: `e${position}`,
    type,
    version: 1,
    data: { requestId, userId: 'u1', ...data },
    metadata: { correlationId: requestId, actorId: 'u1' },
    occurredAt: AT,
    streamId: `request-${requestId}`,
    revision: 0n,
    position: { commit: position, prepare: position },
  } as RecordedEvent;
};

const routed = (requestId = 'r1') =>
  event(
    'RequestRouted',
    {
      candidates: [
        { modelId: 'alpha/a1', provider: 'alpha' },
        { modelId: 'beta/b1', provider: 'beta' },
      ],
      chosenModelId: 'alpha/a1',
      chosenProvider: 'alpha',
      keySource: 'byok',
    },
    requestId,
  );

describe('provider-health attempts', () => {
  it('a fallback hop counts as a failure at the provider that failed it, the answer as a success', () => {
    const attempts = attemptsOf([
      routed(),
      event('FallbackTriggered', {
        fromModelId: 'alpha/a1',
        toModelId: 'beta/b1',
        reason: 'server',
        status: 503,
        attempt: 1,
        fromProvider: 'alpha',
        fromCredential: 'byok',
      }),
      event('UsageRecorded', {
        provider: 'beta',
        modelId: 'beta/b1',
        keySource: 'platform',
        latencyMs: 420,
        timeToFirstTokenMs: 80,
      }),
    ]);
    expect(attempts).toMatchObject([
      { provider: 'alpha', credential: 'byok', modelId: 'alpha/a1', outcome: 'serverError', latencyMs: null },
      {
        provider: 'beta',
        credential: 'platform',
        modelId: 'beta/b1',
        outcome: 'success',
        latencyMs: 420,
        ttftMs: 80,
      },
    ]);
    expect(attempts[0]!.atMs).toBe(AT.getTime());
  });

  it('an older hop without fromProvider is attributed through the RequestRouted candidates (or the model id)', () => {
    const hop = {
      fromModelId: 'alpha/a1',
      toModelId: 'beta/b1',
      reason: 'rate_limited',
      status: 429,
      attempt: 1,
    };
    expect(attemptsOf([routed(), event('FallbackTriggered', hop)])).toMatchObject([
      { provider: 'alpha', credential: 'byok', outcome: 'rateLimited' },
    ]);
    // without its RequestRouted in the batch: the model id names the provider; the credential is the platform's
    expect(attemptsOf([event('FallbackTriggered', hop, 'r2')])).toMatchObject([
      { provider: 'alpha', credential: 'platform', outcome: 'rateLimited' },
    ]);
  });

  it('a failed request counts its last attempt; a malformed request or a client that left counts nothing', () => {
    const failed = (reason: string, status: number, extra: Record<string, unknown> = {}) =>
      event('RequestFailed', { reason, status, attempts: 2, lastProvider: 'beta', ...extra });
    expect(
      attemptsOf([routed(), failed('timeout', 504, { lastModelId: 'beta/b1', lastCredential: 'platform' })]),
    ).toMatchObject([{ provider: 'beta', modelId: 'beta/b1', credential: 'platform', outcome: 'timeout' }]);
    // older event: the model is the last candidate of that provider
    expect(attemptsOf([routed(), failed('auth', 401)])).toMatchObject([
      { provider: 'beta', modelId: 'beta/b1', outcome: 'auth' },
    ]);
    expect(attemptsOf([routed(), failed('bad_request', 400)])).toEqual([]);
    expect(attemptsOf([routed(), failed('client_closed', 499)])).toEqual([]);
    expect(
      attemptsOf([
        event('RequestFailed', { reason: 'server', status: 503, attempts: 0, lastProvider: null }),
      ]),
    ).toEqual([]);
  });

  it('a row counts an attempt once: a redelivered event changes nothing', () => {
    const [success] = attemptsOf([
      event('UsageRecorded', {
        provider: 'beta',
        modelId: 'beta/b1',
        keySource: 'platform',
        latencyMs: 100,
        timeToFirstTokenMs: null,
      }),
    ]);
    const row: HealthBucketRow = {
      bucketMs: 0,
      provider: 'beta',
      credential: 'platform',
      modelId: 'beta/b1',
      attempts: 0,
      successes: 0,
      rateLimited: 0,
      serverError: 0,
      timeout: 0,
      auth: 0,
      other: 0,
      latency: emptyHistogram(),
      ttft: emptyHistogram(),
      lastPosition: null,
    };
    expect(countAttempt(row, success!)).toBe(true);
    expect(countAttempt(row, success!)).toBe(false);
    expect(row).toMatchObject({ attempts: 1, successes: 1 });
    expect(row.latency.reduce((a, b) => a + b, 0)).toBe(1);
    expect(row.ttft.reduce((a, b) => a + b, 0)).toBe(0);
  });
});
