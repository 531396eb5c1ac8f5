import { randomUUID } from 'node:crypto';
import { pricesToData } from '@gw/catalog';
import { InMemoryEventStore } from '@gw/eventstore';
import { DEFAULT_ROUTING_POLICY, toPolicyData, type RoutingPolicyChanged } from '@gw/routing';
import { POWER_LEVELS, type PowerLevel } from '@gw/shared-kernel';
import { CHEAP, CHEAP_CANDIDATE, SMART, SMART_CANDIDATE } from './what-if.fixture';
import {
  loadRecordedRequests,
  WhatIfHistory,
  type LoadedRequest,
  type WhatIfProgress,
} from './what-if-loader';

const at = (minute: number): Date => new Date(Date.UTC(2026, 10, 3, 10, minute));

async function append(store: InMemoryEventStore, streamId: string, type: string, data: object, when: Date) {
  await store.append({
    streamId,
    events: [
      {
        id: randomUUID(),
        type,
        version: 1,
        data,
        metadata: { correlationId: 'c', actorId: 'test' },
        occurredAt: when,
      },
    ],
  });
}

const provider = (slug: string) => ({
  slug,
  name: slug,
  kind: 'openai-compatible',
  baseUrl: `http://127.0.0.1/${slug}`,
  requiresKey: false,
  enabled: true,
  seeded: false,
  registeredBy: 'test',
  registeredAt: at(0).toISOString(),
});
const model = (m: typeof CHEAP) => ({
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
  addedAt: at(0).toISOString(),
});

const routed = (requestId: string, minute: number, policyVersion = 0) => ({
  requestId,
  userId: 'user-1',
  requestedModel: 'balanced',
  powerLevel: 'balanced' as PowerLevel,
  candidates: [CHEAP_CANDIDATE, SMART_CANDIDATE],
  chosenModelId: 'cheap/fast',
  chosenProvider: 'cheap',
  keySource: 'platform',
  policyVersion,
  routingMicroseconds: 10,
  streamed: true,
  routedAt: at(minute).toISOString(),
});
const usage = (requestId: string, modelId: string, priceVersion: number) => ({
  requestId,
  userId: 'user-1',
  provider: modelId.split('/')[0],
  modelId,
  powerLevel: 'balanced',
  keySource: 'platform',
  promptTokens: 1_000,
  completionTokens: 500,
  cachedTokens: 0,
  estimated: false,
  providerCostMicros: '300',
  chargedMicros: '105',
  tier: 'starter',
  priceVersion,
  billingPolicyVersion: 0,
  latencyMs: 100,
  timeToFirstTokenMs: 50,
  streamed: true,
  finishReason: 'stop',
  outcome: 'completed',
  attempts: 1,
});

/**
 * A log with the catalog, a policy change and a price change between requests:
 * 10:00 catalog · 10:05 A · 10:10 B (done) · 10:15 price ×2 and policy v1 · 10:20 C (fell back, done)
 * · 10:25 D (failed) · 10:26 E (no outcome) · 10:40 F (after `to`).
 */
async function history(): Promise<InMemoryEventStore> {
  const store = new InMemoryEventStore();
  for (const m of [CHEAP, SMART]) {
    await append(store, `provider-${m.provider}`, 'ProviderRegistered', provider(m.provider), at(0));
    await append(store, `model-${m.provider}.${m.upstreamModel}`, 'ModelAdded', model(m), at(0));
  }
  const req = (id: string) => `request-${id}`;
  await append(store, req('A'), 'RequestRouted', routed('A', 5), at(5));
  await append(store, req('A'), 'UsageRecorded', usage('A', 'cheap/fast', 1), at(5));
  await append(store, req('B'), 'RequestRouted', routed('B', 10), at(10));
  await append(store, req('B'), 'UsageRecorded', usage('B', 'cheap/fast', 1), at(10));
  await append(
    store,
    'model-cheap.fast',
    'ModelUpdated',
    {
      provider: 'cheap',
      model: 'fast',
      changes: { prices: pricesToData({ ...CHEAP.prices, inputPerMillion: 200_000n }) },
      updatedBy: 'test',
      updatedAt: at(15).toISOString(),
    },
    at(15),
  );
  const policy: RoutingPolicyChanged['data'] = {
    version: 1,
    levels: Object.fromEntries(
      POWER_LEVELS.map((l) => [l, toPolicyData(DEFAULT_ROUTING_POLICY.levels[l])]),
    ) as RoutingPolicyChanged['data']['levels'],
    maxAttempts: 2,
    attemptTimeoutMs: 30_000,
    byokBonus: 0.1,
    changedBy: 'admin',
    changedAt: at(15).toISOString(),
  };
  await append(store, 'routing-policy', 'RoutingPolicyChanged', policy, at(15));
  await append(store, req('C'), 'RequestRouted', routed('C', 20, 1), at(20));
  await append(
    store,
    req('C'),
    'FallbackTriggered',
    {
      requestId: 'C',
      userId: 'user-1',
      fromModelId: 'cheap/fast',
      toModelId: 'smart/large',
      reason: 'server',
      status: 500,
      attempt: 1,
    },
    at(20),
  );
  await append(store, req('C'), 'UsageRecorded', usage('C', 'smart/large', 1), at(20));
  await append(store, req('D'), 'RequestRouted', routed('D', 25, 1), at(25));
  await append(
    store,
    req('D'),
    'RequestFailed',
    { requestId: 'D', userId: 'user-1', reason: 'upstream', status: 502, attempts: 2, lastProvider: 'smart' },
    at(25),
  );
  await append(store, req('E'), 'RequestRouted', routed('E', 26, 1), at(26));
  await append(store, req('F'), 'RequestRouted', routed('F', 40, 1), at(40));
  await append(store, req('F'), 'UsageRecorded', usage('F', 'cheap/fast', 2), at(40));
  return store;
}

const loadAll = async (
  store: InMemoryEventStore,
  options: Partial<Parameters<typeof loadRecordedRequests>[1]> = {},
  h = new WhatIfHistory(),
): Promise<LoadedRequest[][]> => {
  const batches: LoadedRequest[][] = [];
  for await (const batch of loadRecordedRequests(
    store,
    { from: at(8), to: at(30), pageSize: 3, ...options },
    h,
  ))
    batches.push(batch);
  return batches;
};

describe('loadRecordedRequests', () => {
  it('yields the requests routed in range, each with the catalog of its time, as they finish', async () => {
    const store = await history();
    const h = new WhatIfHistory();
    const progress: WhatIfProgress[] = [];
    const loaded = (await loadAll(store, { onProgress: (p) => progress.push(p) }, h)).flat();
    expect(loaded.map((l) => [l.recorded.requestId, l.recorded.outcome])).toEqual([
      ['B', 'completed'],
      ['C', 'completed'],
      ['D', 'failed'],
      ['E', 'unfinished'],
    ]);
    const price = (l: LoadedRequest) =>
      l.catalog.models.find((m) => m.id === 'cheap/fast')!.prices.inputPerMillion;
    expect(loaded.map(price)).toEqual([100_000n, 200_000n, 200_000n, 200_000n]);
    expect(loaded[1]!.catalog.models.find((m) => m.id === 'cheap/fast')!.priceVersion).toBe(2);
    // C fell back once to smart/large: chosen stays what was routed, served is what answered
    expect(loaded[1]!.recorded).toMatchObject({
      fallbacks: 1,
      chosenModelId: 'cheap/fast',
      servedModelId: 'smart/large',
      policyVersion: 1,
    });
    expect(h.routingPolicy(1)).toMatchObject({ version: 1, maxAttempts: 2 });
    expect(h.routingPolicy(0)).toBe(DEFAULT_ROUTING_POLICY);
    expect(progress.at(-1)).toMatchObject({ requests: 4, percent: 100 });
    expect(progress.map((p) => p.percent)).toEqual([...progress.map((p) => p.percent)].sort((a, b) => a - b));
  });

  it('yields batches of batchSize (the last one the rest), and applies the filter', async () => {
    const store = await history();
    const batches = await loadAll(store, { pageSize: 1, batchSize: 2 });
    expect(batches.map((b) => b.length)).toEqual([2, 2]);
    const onlyDone = (await loadAll(store, { filter: (r) => r.outcome === 'completed' })).flat();
    expect(onlyDone.map((l) => l.recorded.requestId)).toEqual(['B', 'C']);
  });

  it('stops reading once past `to` with nothing open', async () => {
    const store = await history();
    const reads: number[] = [];
    const readAll = store.readAll.bind(store);
    store.readAll = async (o) => {
      const page = await readAll(o);
      reads.push(page.length);
      return page;
    };
    const loaded = (await loadAll(store, { to: at(12) })).flat();
    expect(loaded.map((l) => l.recorded.requestId)).toEqual(['B']);
    // pages of 3 over 19 events: reading stopped in the page after B's usage (at the price change), not at the end
    expect(reads.reduce((a, b) => a + b, 0)).toBeLessThan(19);
  });

  it('honours an AbortSignal', async () => {
    const store = await history();
    const controller = new AbortController();
    let pages = 0;
    const run = loadAll(store, {
      pageSize: 1,
      signal: controller.signal,
      onProgress: () => {
        if (++pages === 3) controller.abort(new Error('cancelled'));
      },
    });
    await expect(run).rejects.toThrow('cancelled');
    expect(pages).toBe(3);
  });
});
