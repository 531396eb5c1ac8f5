import { catalogModel } from '@gw/catalog/testing';
import type { CatalogModel } from '@gw/catalog';
import { DEFAULT_ROUTING_POLICY, rankRoute, type CandidateRecord, type RoutingPolicy } from '@gw/routing';
import { POWER_LEVELS } from '@gw/shared-kernel';
import { DEFAULT_BILLING_POLICY } from '@gw/usage-billing';
import { WhatIfAggregator } from './aggregate';
import { replayRequest, type ReplayContext } from './replay';
import type { RecordedRequest } from './replay-input';
import { recordedRequest } from './what-if.fixture';

/** 40 models over 10 providers, spread over prices, latencies, qualities and levels. */
const MODELS: CatalogModel[] = Array.from({ length: 40 }, (_, i) =>
  catalogModel(`p${i % 10}/m${i}`, {
    prices: {
      inputPerMillion: BigInt(50_000 + i * 97_000),
      outputPerMillion: BigInt(200_000 + i * 310_000),
      cachedInputPerMillion: 10_000n,
    },
    quality: 0.4 + (i % 13) / 25,
    typicalLatencyMs: 300 + ((i * 373) % 4_000),
    powerLevels: [POWER_LEVELS[i % 3]!, POWER_LEVELS[(i + 1) % 3]!],
  }),
);

const QUALITY_ONLY: RoutingPolicy = {
  ...DEFAULT_ROUTING_POLICY,
  levels: {
    ...DEFAULT_ROUTING_POLICY.levels,
    balanced: { ...DEFAULT_ROUTING_POLICY.levels.balanced, weights: { cost: 0, latency: 0, quality: 1 } },
  },
};

/** Synthetic history: each request as the default policy ranked it (so the replay does real work). */
function synthetic(n: number): RecordedRequest[] {
  const byLevel = new Map(
    POWER_LEVELS.map((level) => {
      const ranked = rankRoute({
        models: MODELS,
        policy: DEFAULT_ROUTING_POLICY,
        powerLevel: level,
        tier: 'starter',
        needs: recordedRequest().needs,
        health: { errorRate: () => 0, latencyMs: () => undefined, isAvailable: () => true },
        byokProviders: new Set(),
        requestId: level,
      });
      const candidates: CandidateRecord[] = ranked.candidates.map((c) => ({
        modelId: c.modelId,
        provider: c.provider,
        score: c.score,
        components: c.components,
      }));
      return [level, candidates] as const;
    }),
  );
  return Array.from({ length: n }, (_, i) => {
    const level = POWER_LEVELS[i % 3]!;
    const candidates = byLevel.get(level)!;
    return recordedRequest({
      requestId: `req-${i}`,
      userId: `user-${i % 500}`,
      powerLevel: level,
      requestedModel: level,
      candidates,
      chosenModelId: candidates[0]!.modelId,
      chosenProvider: candidates[0]!.provider,
      servedModelId: candidates[0]!.modelId,
      servedProvider: candidates[0]!.provider,
      usage: {
        ...recordedRequest().usage,
        promptTokens: 200 + (i % 3_000),
        completionTokens: 50 + (i % 700),
      },
    });
  });
}

/** 20,000 in the suite (a few seconds under CI's load); WHAT_IF_TIMING_REQUESTS=100000 for the figure. */
const COUNT = Number(process.env.WHAT_IF_TIMING_REQUESTS ?? 20_000);

describe('what-if replay timing', () => {
  it(`replays and aggregates ${COUNT.toLocaleString('en-US')} recorded requests (the time is printed)`, () => {
    // Given synthetic requests over 40 models, a third of them at each power level
    const requests = synthetic(COUNT);
    const balanced = requests.filter((r) => r.powerLevel === 'balanced').length;
    const ctx: ReplayContext = {
      catalog: { models: MODELS, keyOnly: new Map() },
      policy: QUALITY_ONLY,
      recordedPolicy: DEFAULT_ROUTING_POLICY,
      billing: DEFAULT_BILLING_POLICY,
    };
    // When replayed under a draft that weighs quality only at balanced, and aggregated
    const started = performance.now();
    const agg = new WhatIfAggregator({ capOf: () => 50_000_000n });
    for (const r of requests) agg.add(replayRequest(r, ctx));
    const result = agg.result();
    const ms = performance.now() - started;
    process.stdout.write(`what-if: replay + aggregate of ${COUNT} requests: ${Math.round(ms)} ms\n`);
    // Then every request is counted, and the balanced third changed model (eco and precision did not)
    expect(result.requests).toBe(COUNT);
    expect(result.changed.noCandidate).toBe(0);
    expect(balanced).toBeGreaterThan(0);
    expect(result.changed.model).toBe(balanced);
    expect(BigInt(result.after.chargeMicros)).toBeGreaterThan(BigInt(result.before.chargeMicros));
  });
});
