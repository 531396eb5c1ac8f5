import { catalogModel } from '@gw/catalog/testing';
import { DEFAULT_ROUTING_POLICY, type RoutingPolicy } from '@gw/routing';
import { DEFAULT_BILLING_POLICY } from '@gw/usage-billing';
import { replayRequest, type ReplayContext } from './replay';
import {
  CHEAP,
  CHEAP_CANDIDATE,
  SMART,
  SMART_CANDIDATE,
  catalogOf,
  recordedRequest,
} from './what-if.fixture';

const QUALITY_ONLY: RoutingPolicy = {
  ...DEFAULT_ROUTING_POLICY,
  version: 1,
  levels: {
    ...DEFAULT_ROUTING_POLICY.levels,
    balanced: {
      ...DEFAULT_ROUTING_POLICY.levels.balanced,
      strategy: 'custom',
      weights: { cost: 0, latency: 0, quality: 1 },
    },
  },
};

const ctx = (over: Partial<ReplayContext> = {}): ReplayContext => ({
  catalog: catalogOf(CHEAP, SMART),
  policy: DEFAULT_ROUTING_POLICY,
  recordedPolicy: DEFAULT_ROUTING_POLICY,
  billing: DEFAULT_BILLING_POLICY,
  ...over,
});

describe('replayRequest', () => {
  it('under the policy it was routed with, reproduces the recorded choice, ranking and charge', () => {
    // Given a request cheap/fast answered for 300 µ$, charged 105 µ$
    // When it is replayed under the same policy
    const r = replayRequest(recordedRequest(), ctx());
    // Then the same model, the same scores and components, the same money
    expect(r.after).toMatchObject({
      modelId: 'cheap/fast',
      provider: 'cheap',
      costMicros: 300n,
      chargeMicros: 105n,
    });
    expect(r.after.candidates).toEqual([CHEAP_CANDIDATE, SMART_CANDIDATE]);
    expect(r.before).toEqual({
      modelId: 'cheap/fast',
      provider: 'cheap',
      costMicros: 300n,
      chargeMicros: 105n,
      candidates: [CHEAP_CANDIDATE, SMART_CANDIDATE],
    });
    expect(r).toMatchObject({ changedModel: false, changedProvider: false, noCandidate: false });
  });

  it("explains both sides: the recorded chain and balancing draw, and the draft's", () => {
    // Given a request routed by balancing between the two models, replayed under a draft whose
    // use case chain puts smart/large first
    const recorded = recordedRequest({
      useCase: 'code',
      balancing: { bandPercent: 50, pool: ['cheap/fast', 'smart/large'], draw: 0.25, chosen: 'cheap/fast' },
    });
    const draft: RoutingPolicy = {
      ...DEFAULT_ROUTING_POLICY,
      version: 2,
      useCases: { code: ['smart/large'] },
    };
    const r = replayRequest(recorded, ctx({ policy: draft }));
    // Then the before-side carries the recorded explanation and the after-side the draft's
    expect(r.before.balancing).toEqual(recorded.balancing);
    expect(r.before.chain).toBeUndefined();
    expect(r.after.chain).toEqual({ source: 'use_case', models: ['smart/large'], applied: true });
    expect(r.after.balancing).toBeUndefined();
    expect(r.after.modelId).toBe('smart/large');
    expect(r.before.candidates.map((c) => c.modelId)).toEqual(['cheap/fast', 'smart/large']);
  });

  it('under quality-only weights, smart/large (0.9 over 0.5) serves: 6,000 µ$, charged 2,100 µ$', () => {
    const r = replayRequest(recordedRequest(), ctx({ policy: QUALITY_ONLY }));
    // 1,000 × 2 + 500 × 8 = 6,000 µ$; × 0.25 (balanced) × 1.4 (starter) = 2,100
    expect(r.after).toMatchObject({
      modelId: 'smart/large',
      provider: 'smart',
      costMicros: 6_000n,
      chargeMicros: 2_100n,
    });
    expect(r.after.candidates.map((c) => c.score)).toEqual([0.9, 0.5]);
    expect(r).toMatchObject({ changedModel: true, changedProvider: true, noCandidate: false });
  });

  it('rebuilds the error rate and the latency the request saw from its recorded components', () => {
    // cheap/fast was measured at 4 s (latency 0.6) with a 0.4 error rate (penalty 0.2) then:
    // (0.39 + 0.24 + 0.1) × 0.8 = 0.584 < 0.66, so smart/large was first
    const cheap = {
      ...CHEAP_CANDIDATE,
      score: 0.584,
      components: { ...CHEAP_CANDIDATE.components, latency: 0.6, errorPenalty: 0.2 },
    };
    const recorded = recordedRequest({
      candidates: [SMART_CANDIDATE, cheap],
      chosenModelId: 'smart/large',
      chosenProvider: 'smart',
      servedModelId: 'smart/large',
      servedProvider: 'smart',
    });
    const r = replayRequest(recorded, ctx());
    expect(r.after.modelId).toBe('smart/large');
    expect(r.after.candidates[1]!.components).toEqual(cheap.components);
    expect(r.after.candidates[1]!.score).toBeCloseTo(0.584, 12);
    expect(r.changedModel).toBe(false);
  });

  it('leaves out a model the recorded policy let through but that was not a candidate (health), not one it filtered', () => {
    // ghost/fast would have won on price and speed, but was not among the 2 recorded candidates;
    // premium/x (40,000 µ$/1K) was above balanced's 10,000 limit then
    const ghost = catalogModel('ghost/fast', { typicalLatencyMs: 100, quality: 0.5 });
    const premium = catalogModel('premium/x', {
      prices: { inputPerMillion: 40_000_000n, outputPerMillion: 40_000_000n, cachedInputPerMillion: 0n },
      quality: 1,
    });
    const catalog = catalogOf(CHEAP, SMART, ghost, premium);
    expect(replayRequest(recordedRequest(), ctx({ catalog })).after.modelId).toBe('cheap/fast');
    // A draft that lifts the price limit and weighs quality only lets premium/x in
    const lifted: RoutingPolicy = {
      ...QUALITY_ONLY,
      levels: {
        ...QUALITY_ONLY.levels,
        balanced: { ...QUALITY_ONLY.levels.balanced, maxPricePer1k: 50_000n },
      },
    };
    const r = replayRequest(recordedRequest(), ctx({ catalog, policy: lifted }));
    expect(r.after.candidates.map((c) => c.modelId)).toEqual(['premium/x', 'smart/large', 'cheap/fast']);
    // 1,000 × 40 + 500 × 40 = 60,000 µ$; × 0.35 = 21,000
    expect(r.after).toMatchObject({ costMicros: 60_000n, chargeMicros: 21_000n });
  });

  it("charges the BYOK fee when the caller's own key pays for the after-model", () => {
    const byok = {
      ...CHEAP_CANDIDATE,
      score: 0.95,
      components: { ...CHEAP_CANDIDATE.components, byok: 0.1 },
    };
    const recorded = recordedRequest({
      candidates: [byok, SMART_CANDIDATE],
      keySource: 'byok',
      chargedMicros: 30n,
    });
    const r = replayRequest(recorded, ctx());
    // 300 µ$ × 10 %
    expect(r.after).toMatchObject({ modelId: 'cheap/fast', costMicros: 300n, chargeMicros: 30n });
    expect(r.after.candidates[0]!.score).toBeCloseTo(0.95, 12);
  });

  it('replays at another power level when asked: eco filters smart/large out and charges × 0.1', () => {
    const r = replayRequest(recordedRequest(), ctx({ powerLevel: 'eco', policy: QUALITY_ONLY }));
    // eco's limit is 1,000 µ$/1K: smart/large (5,000) is out; 300 × 0.1 × 1.4 = 42
    expect(r.after).toMatchObject({ modelId: 'cheap/fast', costMicros: 300n, chargeMicros: 42n });
    expect(r.after.candidates).toHaveLength(1);
  });

  it('a named model stays pinned; an unknown one has no candidate', () => {
    const pinned = replayRequest(
      recordedRequest({
        requestedModel: 'smart/large',
        candidates: [SMART_CANDIDATE],
        chosenModelId: 'smart/large',
      }),
      ctx(),
    );
    expect(pinned.after).toMatchObject({ modelId: 'smart/large', costMicros: 6_000n, chargeMicros: 2_100n });
    const gone = replayRequest(recordedRequest({ requestedModel: 'gone/model' }), ctx());
    expect(gone.after).toMatchObject({ modelId: null, provider: null, costMicros: 0n, chargeMicros: 0n });
    expect(gone).toMatchObject({ noCandidate: true, changedModel: false });
  });

  it('a failed request costs nothing on either side', () => {
    const r = replayRequest(
      recordedRequest({ outcome: 'failed', providerCostMicros: 0n, chargedMicros: 0n }),
      ctx({ policy: QUALITY_ONLY }),
    );
    expect(r.after).toMatchObject({ modelId: 'smart/large', costMicros: 0n, chargeMicros: 0n });
  });

  it('charges under the billing policy it is given', () => {
    const billing = {
      ...DEFAULT_BILLING_POLICY,
      tierMarkupBps: { ...DEFAULT_BILLING_POLICY.tierMarkupBps, starter: 0 },
    };
    // 300 × 0.25 × 1.0 = 75
    expect(replayRequest(recordedRequest(), ctx({ billing })).after.chargeMicros).toBe(75n);
  });
});
