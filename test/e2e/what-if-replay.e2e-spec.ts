import request from 'supertest';
import { describeBackends } from '@gw/database/testing';
import { eventually } from '@gw/shared-kernel/testing';
import { DEFAULT_BILLING_POLICY } from '@gw/usage-billing';
import { replayRequest } from '../../apps/gateway/src/routing/what-if/replay';
import { aggregate } from '../../apps/gateway/src/routing/what-if/aggregate';
import {
  contextFor,
  loadRecordedRequests,
  WhatIfHistory,
  type LoadedRequest,
} from '../../apps/gateway/src/routing/what-if/what-if-loader';
import { startTestGateway, type TestGateway } from './support/test-gateway';

/**
 * The what-if replay's correctness (issue 20): 30 chat requests through the real app on the mock
 * providers (no failures, so no fallback), read back from the app's own event store by the loader and
 * replayed through the pure planner and pricing. Under the policy that routed them every request gets
 * its recorded model and its recorded charge exactly; under quality-only weights at `balanced` the
 * hand-checked answer is sage-large (quality 0.93 over atlas-1's 0.82, sage-medium's 0.75 and
 * swift-mini's 0.55; 6,250 µ$/1K blended, within balanced's 10,000 limit).
 */
describeBackends('what-if replay reproduces history', (backend) => {
  let gw: TestGateway;
  let from: Date;
  const requestIds: string[] = [];

  beforeAll(async () => {
    gw = await startTestGateway(backend);
    from = new Date(Date.now() - 1_000);
    const chat = (body: Record<string, unknown>) =>
      request(gw.baseUrl)
        .post('/v1/chat/completions')
        .set('authorization', `Bearer ${gw.userKey}`)
        .send({ messages: [{ role: 'user', content: 'hi' }], ...body })
        .expect(200);
    for (let i = 0; i < 30; i++) {
      // Varied: power levels, a pinned model, streaming, prompts of different lengths.
      const model = i % 10 === 9 ? 'mock-atlas/atlas-1' : (['balanced', 'eco', 'precision'] as const)[i % 3]!;
      const res = await chat({
        model,
        stream: i % 4 === 1,
        ...(i % 4 === 1 && { stream_options: { include_usage: true } }),
        messages: [{ role: 'user', content: `question ${i}: ${'more words '.repeat(i * 7)}` }],
      });
      requestIds.push(res.headers['x-switchyard-request-id'] as string);
    }
    // A streamed answer is recorded after its last chunk reaches the client, and PostgreSQL readers
    // see a commit only once no older transaction (of any suite on the server) is in flight: wait
    // until the log shows every request's usage before reading it back.
    const store = gw.gateway.runtime.eventStore;
    await eventually(
      async () => {
        const usage = await store.readAll({ eventTypes: ['UsageRecorded'] });
        const seen = new Set(usage.map((e) => (e.data as { requestId: string }).requestId));
        return requestIds.every((id) => seen.has(id)) ? true : undefined;
      },
      20_000,
      "every request's UsageRecorded in the log",
      50,
    );
  });
  afterAll(() => gw?.close());

  const load = async (): Promise<{ loaded: LoadedRequest[]; history: WhatIfHistory }> => {
    const history = new WhatIfHistory();
    const loaded: LoadedRequest[] = [];
    const progress: number[] = [];
    for await (const batch of loadRecordedRequests(
      gw.gateway.runtime.eventStore,
      {
        from,
        to: new Date(Date.now() + 1_000),
        batchSize: 7,
        pageSize: 50,
        onProgress: (p) => progress.push(p.percent),
      },
      history,
    ))
      loaded.push(...batch);
    expect(progress.at(-1)).toBe(100);
    return { loaded, history };
  };

  it('loads every request, completed, without fallback, with its needs recorded', async () => {
    const { loaded } = await load();
    expect(loaded.map((l) => l.recorded.requestId).sort()).toEqual([...requestIds].sort());
    for (const { recorded, catalog } of loaded) {
      expect(recorded).toMatchObject({
        outcome: 'completed',
        fallbacks: 0,
        approximate: false,
        userId: gw.userId,
      });
      expect(recorded.chargedMicros).toBeGreaterThan(0n);
      expect(catalog.models.map((m) => m.id)).toContain('mock-sage/sage-large');
    }
    expect(loaded.filter((l) => l.recorded.needs.streaming)).toHaveLength(8);
  });

  it('under the policy in force, every replayed request has its recorded model and charge exactly', async () => {
    const { loaded, history } = await load();
    const replayed = loaded.map((l) =>
      replayRequest(
        l.recorded,
        contextFor(l, history, { policy: history.routingPolicy(l.recorded.policyVersion) }),
      ),
    );
    for (const [i, r] of replayed.entries()) {
      const recorded = loaded[i]!.recorded;
      expect({
        id: r.requestId,
        model: r.after.modelId,
        charge: r.after.chargeMicros,
        cost: r.after.costMicros,
      }).toEqual({
        id: recorded.requestId,
        model: recorded.chosenModelId,
        charge: recorded.chargedMicros,
        cost: recorded.providerCostMicros,
      });
      expect(r.changedModel || r.changedProvider || r.noCandidate).toBe(false);
    }
    const summary = aggregate(replayed);
    expect(summary.requests).toBe(30);
    expect(summary.after.chargeMicros).toBe(summary.before.chargeMicros);
    expect(summary.after.byModel).toEqual(summary.before.byModel);
    expect(summary.changed).toEqual({ provider: 0, model: 0, noCandidate: 0, overCap: 0 });
    expect(summary.sample).toEqual([]);
  });

  it('under quality-only weights at balanced, the balanced requests go to sage-large at its prices', async () => {
    const { loaded, history } = await load();
    const current = history.routingPolicy(history.latestRoutingVersion);
    const policy = {
      ...current,
      levels: {
        ...current.levels,
        balanced: {
          ...current.levels.balanced,
          strategy: 'custom' as const,
          weights: { cost: 0, latency: 0, quality: 1 },
        },
      },
    };
    const markup = BigInt(10_000 + DEFAULT_BILLING_POLICY.tierMarkupBps[loaded[0]!.recorded.tier!]);
    let balanced = 0;
    let changed = 0;
    for (const l of loaded) {
      const r = replayRequest(l.recorded, contextFor(l, history, { policy }));
      if (l.recorded.requestedModel !== 'balanced') {
        // Other levels and the pinned model are untouched by the change
        expect(r.after.modelId).toBe(l.recorded.chosenModelId);
        expect(r.after.chargeMicros).toBe(l.recorded.chargedMicros);
        continue;
      }
      balanced++;
      const { promptTokens, completionTokens, cachedTokens } = l.recorded.usage;
      expect(cachedTokens).toBe(0);
      // sage-large: 2.5 $/M in, 10 $/M out; balanced × 0.25, the tier's markup; each rounded half up
      const cost =
        (BigInt(promptTokens) * 2_500_000n + BigInt(completionTokens) * 10_000_000n + 500_000n) / 1_000_000n;
      const charge = (cost * 2_500n * markup + 50_000_000n) / 100_000_000n;
      expect(r.after).toMatchObject({
        modelId: 'mock-sage/sage-large',
        provider: 'mock-sage',
        costMicros: cost,
        chargeMicros: charge,
      });
      expect(r.after.candidates[0]!.score).toBe(0.93);
      expect(r.changedModel).toBe(l.recorded.chosenModelId !== 'mock-sage/sage-large');
      if (r.changedModel) changed++;
    }
    expect(balanced).toBe(9);
    // The default balanced weights never put the most expensive model first on the mocks
    expect(changed).toBe(9);
  });
});
