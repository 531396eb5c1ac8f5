import type { RecordedEvent } from '@gw/shared-kernel';
import { attemptsOf } from './provider-health-attempt';
import { bucketDeltas, countAttempt, emptyDelta } from './provider-health.writer';

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
    const row = emptyDelta(0, success!);
    expect(countAttempt(row, success!)).toBe(true);
    expect(countAttempt(row, success!)).toBe(false);
    expect(row).toMatchObject({ attempts: 1, successes: 1 });
    expect(row.latency.reduce((a, b) => a + b, 0)).toBe(1);
    expect(row.ttft.reduce((a, b) => a + b, 0)).toBe(0);
    expect(row.firstPosition).toEqual(success!.position);
  });

  it('a batch sums into one delta per row (the provider’s, and each model’s), remembering the first and last event counted', () => {
    const usage = (model: string) =>
      event('UsageRecorded', {
        provider: 'beta',
        modelId: model,
        keySource: 'platform',
        latencyMs: 100,
        timeToFirstTokenMs: 10,
      });
    const events = [usage('beta/b1'), usage('beta/b2'), usage('beta/b1')];
    const deltas = bucketDeltas(attemptsOf(events), (ms) => Math.floor(ms / 60_000) * 60_000, true);
    expect(deltas.map((d) => d.modelId)).toEqual(['*', 'beta/b1', 'beta/b2']);
    expect(deltas[0]).toMatchObject({
      attempts: 3,
      firstPosition: events[0]!.position,
      lastPosition: events[2]!.position,
    });
    expect(deltas[1]).toMatchObject({
      attempts: 2,
      successes: 2,
      firstPosition: events[0]!.position,
      lastPosition: events[2]!.position,
    });
    expect(deltas[2]).toMatchObject({ attempts: 1 });
    // without models: the provider's row alone
    expect(bucketDeltas(attemptsOf(events), (ms) => ms, false).map((d) => d.modelId)).toEqual(['*']);
  });
});
