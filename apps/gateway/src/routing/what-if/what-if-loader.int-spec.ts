import { randomUUID } from 'node:crypto';
import { pricesToData } from '@gw/catalog';
import { describeBackends, openTestDatabase, type TestDatabase } from '@gw/database/testing';
import { PostgresEventStore, type AppendRequest } from '@gw/eventstore';
import type { NewEvent } from '@gw/shared-kernel';
import { allMigrations } from '../../../../../migrations';
import { aggregate } from './aggregate';
import { replayRequest } from './replay';
import { contextFor, loadRecordedRequests, WhatIfHistory, type LoadedRequest } from './what-if-loader';
import { CHEAP, CHEAP_CANDIDATE, SMART, SMART_CANDIDATE } from './what-if.fixture';

/** 2,000 in the suite; WHAT_IF_LOADER_REQUESTS=100000 for issue 20's figure (the times are printed). */
const REQUESTS = Number(process.env.WHAT_IF_LOADER_REQUESTS ?? 2_000);
const START = Date.UTC(2026, 10, 3, 10, 0);

const event = (type: string, data: object, ms: number): NewEvent => ({
  id: randomUUID(),
  type,
  version: 1,
  data,
  metadata: { correlationId: 'c', actorId: 'test' },
  occurredAt: new Date(ms),
});

function catalogAppends(): AppendRequest[] {
  return [CHEAP, SMART].flatMap((m) => [
    {
      streamId: `provider-${m.provider}`,
      events: [
        event(
          'ProviderRegistered',
          {
            slug: m.provider,
            name: m.provider,
            kind: 'openai-compatible',
            baseUrl: `http://127.0.0.1/${m.provider}`,
            requiresKey: false,
            enabled: true,
            seeded: false,
            registeredBy: 'test',
            registeredAt: new Date(START).toISOString(),
          },
          START,
        ),
      ],
    },
    {
      streamId: `model-${m.provider}.${m.upstreamModel}`,
      events: [
        event(
          'ModelAdded',
          {
            provider: m.provider,
            model: m.upstreamModel,
            displayName: m.displayName,
            prices: pricesToData(m.prices),
            contextWindow: m.contextWindow,
            maxOutputTokens: m.maxOutputTokens,
            capabilities: m.capabilities,
            quality: m.quality,
            typicalLatencyMs: m.typicalLatencyMs,
            powerLevels: m.powerLevels,
            minTier: m.minTier,
            enabled: true,
            seeded: false,
            addedBy: 'test',
            addedAt: new Date(START).toISOString(),
          },
          START,
        ),
      ],
    },
  ]);
}

/** A request as the gateway writes it: routed, usage, charge settled (300 µ$, charged 105 µ$). */
function requestAppend(i: number): AppendRequest {
  const requestId = `req-${i}`;
  const ms = START + 60_000 + i * 100;
  const common = { requestId, userId: `user-${i % 50}` };
  return {
    streamId: `request-${requestId}`,
    events: [
      event(
        'RequestRouted',
        {
          ...common,
          requestedModel: 'balanced',
          powerLevel: 'balanced',
          candidates: [CHEAP_CANDIDATE, SMART_CANDIDATE],
          chosenModelId: 'cheap/fast',
          chosenProvider: 'cheap',
          keySource: 'platform',
          policyVersion: 0,
          routingMicroseconds: 10,
          streamed: false,
          routedAt: new Date(ms).toISOString(),
          needs: {
            streaming: false,
            tools: false,
            vision: false,
            jsonMode: false,
            contextTokens: 1_500,
            maxOutputTokens: 0,
          },
        },
        ms,
      ),
      event(
        'UsageRecorded',
        {
          ...common,
          provider: 'cheap',
          modelId: 'cheap/fast',
          powerLevel: 'balanced',
          keySource: 'platform',
          promptTokens: 1_000,
          completionTokens: 500,
          cachedTokens: 0,
          estimated: false,
          providerCostMicros: '300',
          chargedMicros: '105',
          tier: 'starter',
          priceVersion: 1,
          billingPolicyVersion: 0,
          latencyMs: 100,
          timeToFirstTokenMs: null,
          streamed: false,
          finishReason: 'stop',
          outcome: 'completed',
          attempts: 1,
        },
        ms + 50,
      ),
      event(
        'ChargeSettled',
        {
          ...common,
          chargedMicros: '105',
          reservedMicros: '500',
          month: '2026-11',
          settledAt: new Date(ms + 50).toISOString(),
        },
        ms + 50,
      ),
    ],
  };
}

/**
 * The loader on the real event store adapters: REQUESTS requests (3 events each, ChargeSettled among
 * them, which the loader does not read) loaded with the catalog, replayed and aggregated. Prints what
 * each step costs (issue 20's figure: WHAT_IF_LOADER_REQUESTS=100000, docs/benchmarks.md).
 */
describeBackends('what-if loader on the event store', (kind) => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    db = await openTestDatabase(kind, allMigrations, 'whatif_test');
    store = new PostgresEventStore(db.knex, { pollIntervalMs: 60_000 });
    await store.appendMany(catalogAppends());
    for (let i = 0; i < REQUESTS; i += 500)
      await store.appendMany(
        Array.from({ length: Math.min(500, REQUESTS - i) }, (_, k) => requestAppend(i + k)),
      );
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('loads every request in range and replays it to its recorded charge', async () => {
    const history = new WhatIfHistory();
    const loaded: LoadedRequest[] = [];
    const started = performance.now();
    for await (const batch of loadRecordedRequests(
      store,
      { from: new Date(START), to: new Date(START + 60_000 + REQUESTS * 100) },
      history,
    ))
      loaded.push(...batch);
    const loadMs = performance.now() - started;
    const replayed = loaded.map((l) =>
      replayRequest(l.recorded, contextFor(l, history, { policy: history.routingPolicy(0) })),
    );
    const replayMs = performance.now() - started - loadMs;
    const result = aggregate(replayed);
    const totalMs = performance.now() - started;
    const ms = (n: number): string => `${Math.round(n).toLocaleString('en-US')} ms`;
    process.stdout.write(
      `what-if loader (${kind}): ${REQUESTS.toLocaleString('en-US')} requests loaded in ${ms(loadMs)} ` +
        `(${(loadMs / (REQUESTS / 1_000)).toFixed(1)} ms per 1,000), replayed in ${ms(replayMs)}, ` +
        `aggregated in ${ms(totalMs - loadMs - replayMs)}: ${ms(totalMs)} in all\n`,
    );
    expect(result.requests).toBe(REQUESTS);
    expect(new Set(loaded.map((l) => l.recorded.requestId)).size).toBe(REQUESTS);
    expect(result.after.chargeMicros).toBe(String(105 * REQUESTS));
    expect(result.after.chargeMicros).toBe(result.before.chargeMicros);
    expect(result.changed).toEqual({ provider: 0, model: 0, noCandidate: 0, overCap: 0 });
  });

  it('a range in the middle yields only its requests, in pages of any size', async () => {
    // the middle half (routed every 100 ms from START + 60 s); pages of 997 entries end on every type
    const first = REQUESTS / 4;
    const loaded: LoadedRequest[] = [];
    for await (const batch of loadRecordedRequests(store, {
      from: new Date(START + 60_000 + first * 100),
      to: new Date(START + 60_000 + (first + REQUESTS / 2 - 1) * 100),
      pageSize: 997,
    }))
      loaded.push(...batch);
    expect(loaded).toHaveLength(REQUESTS / 2);
    expect(new Set(loaded.map((l) => l.recorded.requestId))).toEqual(
      new Set(Array.from({ length: REQUESTS / 2 }, (_, k) => `req-${first + k}`)),
    );
    expect(loaded.every((l) => l.catalog.models.length === 2 && l.recorded.outcome === 'completed')).toBe(
      true,
    );
  });
});
