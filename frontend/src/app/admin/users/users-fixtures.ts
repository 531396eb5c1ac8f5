import type { UserView } from './admin-users-api';

/** Test data for the users pages' specs. */
export const aUser = (over: Partial<UserView> = {}): UserView => ({
  id: 'usr_demo',
  name: 'Demo User',
  username: 'demo',
  email: 'demo@example.com',
  roles: ['user'],
  tier: 'starter',
  disabled: false,
  createdAt: '2026-12-01T10:00:00.000Z',
  apiKeys: 1,
  powerLevel: 'balanced',
  monthlyCapMicros: null,
  capMode: 'soft',
  byokOnly: false,
  lowBalanceAlertMicros: null,
  ...over,
});

export const credits = (balanceMicros: string) => ({
  balanceMicros,
  reservedMicros: '0',
  availableMicros: balanceMicros,
  monthSpendMicros: '1250000',
  monthlyCapMicros: '20000000',
  capMode: 'soft' as const,
  credits: 0,
});

export const summary = (requests: number) => ({
  requests,
  failedRequests: 0,
  interruptedRequests: 0,
  fallbackRequests: 0,
  streamedRequests: 0,
  promptTokens: 10,
  completionTokens: 20,
  cachedTokens: 0,
  cacheWriteTokens: 0,
  totalTokens: 30,
  providerCostMicros: '100',
  chargedMicros: '3400000',
  fallbackRate: 0,
  failureRate: 0,
  avgLatencyMs: 120,
  avgTimeToFirstTokenMs: null,
  from: '2026-11-08T00:00:00.000Z',
  to: '2026-12-08T00:00:00.000Z',
  userId: 'usr_demo',
  byok: { requests: 0, chargedMicros: '0', share: 0 },
  platform: { requests, chargedMicros: '3400000', share: 1 },
});

export const gatewayKey = {
  id: 'gk1',
  name: 'laptop',
  maskedKey: 'sk-sy-…a1b2',
  createdAt: '2026-12-01T10:00:00.000Z',
  lastUsedAt: null,
};

export const providerKey = {
  id: 'pk1',
  provider: 'openai',
  label: 'work',
  masked: 'sk-proj…wxyz',
  last4: 'wxyz',
  status: 'valid' as const,
  enabled: true,
  priority: 0,
  createdAt: '2026-12-01T10:00:00.000Z',
  lastValidatedAt: null,
  lastUsedAt: null,
};
