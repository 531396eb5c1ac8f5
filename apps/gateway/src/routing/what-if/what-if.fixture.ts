import { catalogModel } from '@gw/catalog/testing';
import type { CatalogModel } from '@gw/catalog';
import type { CandidateRecord } from '@gw/routing';
import type { RecordedRequest } from './replay-input';
import type { ReplayCatalog } from './replay';

/**
 * Test models at `balanced` under the default policy (weights 0.4 / 0.4 / 0.2, 10,000 µ$ per 1K,
 * latency bound 10 s); neither provider is preferred:
 * - cheap/fast: 0.1 / 0.4 $/M (blended 250 µ$/1K: cost 0.975), 1 s (latency 0.9), quality 0.5 → 0.85
 * - smart/large: 2 / 8 $/M (blended 5,000 µ$/1K: cost 0.5), 3 s (latency 0.7), quality 0.9 → 0.66
 */
export const CHEAP: CatalogModel = catalogModel('cheap/fast', { quality: 0.5, typicalLatencyMs: 1_000 });
export const SMART: CatalogModel = catalogModel('smart/large', {
  prices: { inputPerMillion: 2_000_000n, outputPerMillion: 8_000_000n, cachedInputPerMillion: 1_000_000n },
  quality: 0.9,
  typicalLatencyMs: 3_000,
});

export const catalogOf = (...models: CatalogModel[]): ReplayCatalog => ({ models, keyOnly: new Map() });

export const CHEAP_CANDIDATE: CandidateRecord = {
  modelId: 'cheap/fast',
  provider: 'cheap',
  score: 0.85,
  components: { cost: 0.975, latency: 0.9, quality: 0.5, errorPenalty: 0 },
};
export const SMART_CANDIDATE: CandidateRecord = {
  modelId: 'smart/large',
  provider: 'smart',
  score: 0.66,
  components: { cost: 0.5, latency: 0.7, quality: 0.9, errorPenalty: 0 },
};

/**
 * A completed `balanced` request of a starter user that cheap/fast answered: 1,000 prompt and 500
 * completion tokens = 300 µ$ at cheap/fast (1,000 × 0.1 + 500 × 0.4), charged 105 µ$ (× 0.25 × 1.4).
 */
export const recordedRequest = (over: Partial<RecordedRequest> = {}): RecordedRequest => ({
  requestId: 'req-1',
  userId: 'user-1',
  at: '2026-11-03T10:00:00.000Z',
  powerLevel: 'balanced',
  requestedModel: 'auto',
  tier: 'starter',
  needs: {
    streaming: false,
    tools: false,
    vision: false,
    jsonMode: false,
    contextTokens: 1_500,
    maxOutputTokens: 0,
  },
  approximate: false,
  policyVersion: 0,
  candidates: [CHEAP_CANDIDATE, SMART_CANDIDATE],
  chosenModelId: 'cheap/fast',
  chosenProvider: 'cheap',
  keySource: 'platform',
  servedModelId: 'cheap/fast',
  servedProvider: 'cheap',
  fallbacks: 0,
  outcome: 'completed',
  usage: {
    promptTokens: 1_000,
    completionTokens: 500,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: 0,
  },
  providerCostMicros: 300n,
  chargedMicros: 105n,
  priceVersion: 1,
  billingPolicyVersion: 0,
  ...over,
});
