import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@gw/shared-kernel';

/**
 * One stored-shaped sample of every published event type (as the gateway writes them), plus an event
 * the relay does not publish. `userId` and `provider` pick the key.
 */
export function sampleDomainEvents(userId: string = randomUUID(), provider = 'openai'): NewEvent[] {
  const requestId = randomUUID();
  const keyId = randomUUID();
  const at = '2026-12-10T12:00:00.000Z';
  const facts = {
    userId,
    keyId,
    provider,
    label: 'mine',
    last4: 'wxyz',
    fingerprint: 'hmac-sha256:0f3c',
    kekVersion: 1,
  };
  const stored = { ...facts, secretId: randomUUID(), masked: 'sk-…wxyz' };
  const event = (type: string, data: Record<string, unknown>): NewEvent => ({
    id: randomUUID(),
    type,
    version: 1,
    data,
    metadata: { correlationId: requestId, actorId: userId },
    occurredAt: new Date(at),
  });
  return [
    event('RequestRouted', {
      requestId,
      userId,
      requestedModel: 'auto',
      powerLevel: 'balanced',
      candidates: [
        {
          modelId: `${provider}/gpt-4o-mini`,
          provider,
          score: 0.81,
          components: { cost: 0.9, latency: 0.7, quality: 0.6, errorPenalty: 0 },
        },
      ],
      chosenModelId: `${provider}/gpt-4o-mini`,
      chosenProvider: provider,
      keySource: 'byok',
      keyId,
      policyVersion: 3,
      routingMicroseconds: 41.5,
      streamed: false,
      routedAt: at,
    }),
    event('FallbackTriggered', {
      requestId,
      userId,
      fromModelId: 'mock-a/m',
      toModelId: `${provider}/gpt-4o-mini`,
      reason: 'upstream_5xx',
      status: 502,
      attempt: 1,
    }),
    event('UsageRecorded', {
      requestId,
      userId,
      provider,
      modelId: `${provider}/gpt-4o-mini`,
      powerLevel: 'balanced',
      keySource: 'byok',
      keyId,
      promptTokens: 12,
      completionTokens: 30,
      cachedTokens: 2,
      cacheWriteTokens: 1,
      cacheWrite1hTokens: 1,
      reasoningTokens: 9,
      estimated: false,
      usageClamped: true,
      providerCostMicros: '1234',
      chargedMicros: '2468',
      tier: 'professional',
      priceVersion: 2,
      billingPolicyVersion: 1,
      latencyMs: 120,
      timeToFirstTokenMs: null,
      streamed: false,
      finishReason: 'stop',
      outcome: 'completed',
      attempts: 2,
    }),
    event('RequestFailed', {
      requestId: randomUUID(),
      userId,
      reason: 'all_candidates_failed',
      status: 502,
      attempts: 3,
      lastProvider: provider,
    }),
    event('KeyAdded', {
      ...stored,
      priority: 0,
      addedAt: at,
      custom: { baseUrl: 'https://llm.example.com/v1', models: ['m'] },
    }),
    event('KeyRotated', { ...stored, rotatedAt: at }),
    event('KeyValidated', { ...facts, validatedAt: at }),
    event('KeyValidationFailed', { ...facts, reason: 'auth', status: 401, failedAt: at }),
    event('KeyEnabled', { ...facts, enabledAt: at }),
    event('KeyDisabled', { ...facts, disabledAt: at }),
    event('KeyPriorityChanged', { ...facts, priority: 2, changedAt: at }),
    event('KeyLabelChanged', { ...facts, previousLabel: 'old', changedAt: at }),
    event('KeyRemoved', { ...facts, removedAt: at, reason: 'removed' }),
    event('ProviderDegraded', {
      provider,
      reason: 'error rate 0.6 over 10 calls',
      errorRate: 0.6,
      consecutiveFailures: 4,
      cooldownMs: 30_000,
      at,
    }),
    event('ProviderRecovered', { provider, reason: 'probe succeeded', downForMs: 30_500, at }),
    event('UsageRepriced', {
      requestId,
      userId,
      modelId: `${provider}/gpt-4o-mini`,
      priceVersion: 2,
      previousPriceVersion: 1,
      providerCostMicros: '4000',
      chargedMicros: '1600',
      previousProviderCostMicros: '1500',
      previousChargedMicros: '600',
      deltaCostMicros: '2500',
      deltaChargedMicros: '1000',
      reason: 'input price fixed',
      repricedAt: at,
    }),
    event('CreditsGranted', {
      userId,
      grantId: 'grant_welcome',
      kind: 'admin',
      amountMicros: '5000000',
      reason: 'welcome',
      grantedBy: 'admin',
      grantedAt: at,
    }),
    event('CheckoutStarted', {
      userId,
      purchaseId: 'pur_1',
      packageId: 'credits-10',
      priceMicros: '10000000',
      credits: 10_000,
      amountMicros: '10000000',
      startedAt: at,
    }),
    event('CreditsPurchased', {
      userId,
      purchaseId: 'pur_1',
      paymentId: 'pay_1',
      packageId: 'credits-10',
      priceMicros: '10000000',
      credits: 10_000,
      amountMicros: '10000000',
      purchasedAt: at,
    }),
    event('AccountOpened', { userId, tier: 'starter' }),
  ];
}

/** The stream each sample belongs to (as the gateway names them). */
export const streamOf = (event: NewEvent): string => {
  const data = event.data as { requestId?: string; userId?: string; provider?: string };
  if (event.type.startsWith('Key')) return `keys-${data.userId}`;
  if (event.type.startsWith('Provider')) return `provider-${data.provider}`;
  if (event.type === 'AccountOpened') return `account-${data.userId}`;
  if (event.type.startsWith('Credits') || event.type === 'CheckoutStarted') return `credits-${data.userId}`;
  return `request-${data.requestId}`;
};
