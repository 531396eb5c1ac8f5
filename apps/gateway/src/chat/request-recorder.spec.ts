import { Writable } from 'node:stream';
import pino from 'pino';
import { GroupCommitWriter, InMemoryEventStore, type AppendRequest, type AppendResult } from '@gw/eventstore';
import { toRequestStreamId, type RecordRequestOutcome } from '@gw/routing';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { RequestRecorder, UsageNotRecordedError } from './request-recorder';

/**
 * The in-memory store behind a script of failures, one entry per write: `before` fails without
 * writing (the store refused), `after` writes and then fails (the commit happened, the answer was
 * lost: an ambiguous failure), `ok` writes. Once the script is spent, every write succeeds.
 */
class FlakyStore extends InMemoryEventStore {
  attempts = 0;
  private wroteOnce: () => void = () => undefined;
  /** Resolves once a write has gone in (what a test waits for instead of time). */
  readonly wrote = new Promise<void>((resolve) => (this.wroteOnce = resolve));
  constructor(private readonly script: Array<'before' | 'after' | 'ok'>) {
    super();
  }
  override async appendMany(
    requests: readonly AppendRequest[],
  ): Promise<ReadonlyArray<AppendResult | Error>> {
    this.attempts++;
    const step = this.script.shift() ?? 'ok';
    if (step === 'before') throw new Error('connection reset by the store');
    const results = await super.appendMany(requests);
    this.wroteOnce();
    if (step === 'after') throw new Error('connection reset after the commit');
    return results;
  }
}

const requestId = '7f1c2a9e-0000-4000-8000-000000000001';
const outcome: RecordRequestOutcome = {
  type: 'RecordRequestOutcome',
  data: {
    routed: {
      requestId,
      userId: 'u1',
      requestedModel: 'auto',
      powerLevel: 'balanced',
      candidates: [
        {
          modelId: 'a/m',
          provider: 'a',
          score: 0.8,
          components: { cost: 1, latency: 1, quality: 0.5, errorPenalty: 0 },
        },
      ],
      chosenModelId: 'a/m',
      chosenProvider: 'a',
      keySource: 'platform',
      policyVersion: 0,
      routingMicroseconds: 12,
      streamed: false,
      routedAt: '2026-12-01T12:00:00.000Z',
    },
    fallbacks: [],
    outcome: {
      kind: 'usage',
      usage: {
        requestId,
        userId: 'u1',
        provider: 'a',
        modelId: 'a/m',
        powerLevel: 'balanced',
        keySource: 'platform',
        promptTokens: 10,
        completionTokens: 20,
        cachedTokens: 0,
        estimated: false,
        providerCostMicros: '15',
        chargedMicros: '15',
        latencyMs: 100,
        timeToFirstTokenMs: null,
        streamed: false,
        finishReason: 'stop',
        outcome: 'completed',
        attempts: 1,
      },
    },
  },
};

function harness(script: Array<'before' | 'after' | 'ok'>, durability: 'strict' | 'relaxed' = 'strict') {
  const store = new FlakyStore(script);
  const writer = new GroupCommitWriter(store);
  const metrics = new GatewayMetrics();
  let logs = '';
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs += chunk.toString();
        done();
      },
    }),
  );
  const recorder = new RequestRecorder(writer, durability, metrics, logger);
  const events = async () => (await store.readStream(toRequestStreamId(requestId))).map((e) => e.type);
  const writesObserved = async () =>
    (await metrics.eventWrites.get()).values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
  return { store, writer, recorder, events, writesObserved, logs: () => logs };
}

describe('RequestRecorder: retries of the append', () => {
  const now = new Date('2026-12-01T12:00:01.000Z');

  it('an append that fails once, then succeeds: recorded exactly once, and the caller is told it is durable', async () => {
    const h = harness(['before']);
    await expect(h.recorder.record(outcome, now)).resolves.toBeUndefined();
    expect(h.store.attempts).toBe(2);
    expect(await h.events()).toEqual(['RequestRouted', 'UsageRecorded']);
    expect(await h.writesObserved()).toBe(1);
    expect(h.logs()).toBe('');
  });

  it('an append that committed but answered with an error: the retry finds it written, nothing is doubled', async () => {
    const h = harness(['after']);
    await expect(h.recorder.record(outcome, now)).resolves.toBeUndefined();
    expect(h.store.attempts).toBe(2);
    expect(await h.events()).toEqual(['RequestRouted', 'UsageRecorded']);
  });

  it('an append that keeps failing: strict mode gives up after three attempts with a 503 usage_not_recorded, logged once', async () => {
    const h = harness(['before', 'before', 'before', 'before']);
    const error = await h.recorder.record(outcome, now).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UsageNotRecordedError);
    expect((error as UsageNotRecordedError).toErrorResponse()).toMatchObject({
      status: 503,
      code: 'usage_not_recorded',
      type: 'api_error',
    });
    expect(h.store.attempts).toBe(3);
    expect(await h.events()).toEqual([]);
    const lines = h.logs().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      msg: 'could not record request events',
      streamId: toRequestStreamId(requestId),
    });
  });

  it('relaxed mode answers at once and keeps retrying behind the answer: recorded once when a retry succeeds', async () => {
    const h = harness(['before', 'before'], 'relaxed');
    await expect(h.recorder.record(outcome, now)).resolves.toBeUndefined();
    // The answer did not wait: the first write has not even been tried yet.
    expect(h.store.attempts).toBe(0);
    await h.store.wrote;
    expect(h.store.attempts).toBe(3);
    expect(await h.events()).toEqual(['RequestRouted', 'UsageRecorded']);
  });
});
