import type { RequestRouted, UsageRecorded } from '@gw/routing';
import { replayInputOf } from './replay-input';
import { CHEAP_CANDIDATE, SMART_CANDIDATE } from './what-if.fixture';

const routed = (over: Partial<RequestRouted['data']> = {}): RequestRouted => ({
  type: 'RequestRouted',
  data: {
    requestId: 'r1',
    userId: 'u1',
    requestedModel: 'balanced',
    powerLevel: 'balanced',
    candidates: [CHEAP_CANDIDATE, SMART_CANDIDATE],
    chosenModelId: 'cheap/fast',
    chosenProvider: 'cheap',
    keySource: 'platform',
    policyVersion: 3,
    routingMicroseconds: 12,
    streamed: true,
    routedAt: '2026-11-03T10:00:00.000Z',
    useCase: 'support',
    needs: {
      streaming: true,
      tools: true,
      vision: false,
      jsonMode: false,
      contextTokens: 900,
      maxOutputTokens: 256,
    },
    ...over,
  },
});

const usage = (over: Partial<UsageRecorded['data']> = {}): UsageRecorded => ({
  type: 'UsageRecorded',
  data: {
    requestId: 'r1',
    userId: 'u1',
    provider: 'smart',
    modelId: 'smart/large',
    powerLevel: 'balanced',
    keySource: 'platform',
    promptTokens: 700,
    completionTokens: 200,
    cachedTokens: 100,
    cacheWriteTokens: 50,
    cacheWrite1hTokens: 20,
    reasoningTokens: 30,
    estimated: false,
    providerCostMicros: '12345678901234567',
    chargedMicros: '4321',
    tier: 'professional',
    priceVersion: 2,
    billingPolicyVersion: 5,
    latencyMs: 800,
    timeToFirstTokenMs: 100,
    streamed: true,
    finishReason: 'stop',
    outcome: 'interrupted',
    attempts: 2,
    ...over,
  },
});

const fallback = {
  type: 'FallbackTriggered',
  data: {
    requestId: 'r1',
    userId: 'u1',
    fromModelId: 'cheap/fast',
    toModelId: 'smart/large',
    reason: 'server',
    status: 500,
    attempt: 1,
  },
};
const settled = {
  type: 'ChargeSettled',
  data: {
    requestId: 'r1',
    userId: 'u1',
    chargedMicros: '9999',
    reservedMicros: '1',
    month: '2026-11',
    settledAt: 'x',
  },
};

describe('replayInputOf', () => {
  it('folds a request that fell back into what a replay reads', () => {
    const r = replayInputOf([routed(), fallback, usage(), settled]);
    expect(r).toEqual({
      requestId: 'r1',
      userId: 'u1',
      at: '2026-11-03T10:00:00.000Z',
      powerLevel: 'balanced',
      requestedModel: 'balanced',
      tier: 'professional',
      needs: {
        streaming: true,
        tools: true,
        vision: false,
        jsonMode: false,
        contextTokens: 900,
        maxOutputTokens: 256,
      },
      approximate: false,
      useCase: 'support',
      policyVersion: 3,
      candidates: [CHEAP_CANDIDATE, SMART_CANDIDATE],
      chosenModelId: 'cheap/fast',
      chosenProvider: 'cheap',
      keySource: 'platform',
      servedModelId: 'smart/large',
      servedProvider: 'smart',
      fallbacks: 1,
      outcome: 'interrupted',
      usage: {
        promptTokens: 700,
        completionTokens: 200,
        cachedTokens: 100,
        cacheWriteTokens: 50,
        cacheWrite1hTokens: 20,
        reasoningTokens: 30,
      },
      // bigint, beyond 2^53 kept exact; ChargeSettled's copy is not read
      providerCostMicros: 12_345_678_901_234_567n,
      chargedMicros: 4_321n,
      priceVersion: 2,
      billingPolicyVersion: 5,
    });
  });

  it('derives the needs of an older event (streamed, the tokens used) and flags them approximate', () => {
    const old = routed({ needs: undefined, useCase: undefined });
    const r = replayInputOf([
      old,
      usage({
        tier: undefined,
        priceVersion: undefined,
        billingPolicyVersion: undefined,
        cacheWriteTokens: undefined,
        cacheWrite1hTokens: undefined,
        reasoningTokens: undefined,
      }),
    ])!;
    expect(r.needs).toEqual({
      streaming: true,
      tools: false,
      vision: false,
      jsonMode: false,
      contextTokens: 900,
      maxOutputTokens: 0,
    });
    expect(r.approximate).toBe(true);
    expect(r).not.toHaveProperty('tier');
    expect(r).not.toHaveProperty('useCase');
    expect(r).not.toHaveProperty('billingPolicyVersion');
    expect(r.usage).toMatchObject({ cacheWriteTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 0 });
  });

  it('a failed request has no tokens and costs nothing; one without an outcome is unfinished', () => {
    const failed = replayInputOf([
      routed(),
      {
        type: 'RequestFailed',
        data: { requestId: 'r1', userId: 'u1', reason: 'x', status: 502, attempts: 1, lastProvider: 'cheap' },
      },
    ])!;
    expect(failed).toMatchObject({
      outcome: 'failed',
      providerCostMicros: 0n,
      chargedMicros: 0n,
      servedModelId: 'cheap/fast',
    });
    expect(failed.usage.promptTokens).toBe(0);
    expect(replayInputOf([routed()])!.outcome).toBe('unfinished');
  });

  it('nothing to replay without a RequestRouted', () => {
    expect(replayInputOf([usage()])).toBeUndefined();
  });
});
