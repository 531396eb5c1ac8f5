import type { KeyProvidersView, KeyView } from './provider-keys-api';

/** Test data for the provider-keys specs. */
export const aKey = (over: Partial<KeyView> = {}): KeyView => ({
  id: 'k1',
  provider: 'openai',
  label: 'work',
  masked: 'sk-…abcd',
  last4: 'abcd',
  status: 'valid',
  enabled: true,
  priority: 0,
  createdAt: '2026-12-01T10:00:00.000Z',
  lastValidatedAt: '2026-12-01T10:00:00.000Z',
  lastUsedAt: null,
  ...over,
});

export const providers = (over: Partial<KeyProvidersView['byok']> = {}): KeyProvidersView => ({
  data: [
    {
      provider: 'openai',
      name: 'OpenAI',
      kind: 'openai',
      keyFormat: 'starts with sk- or sk-proj-',
      platformKey: true,
      keys: 1,
    },
    {
      provider: 'anthropic',
      name: 'Anthropic',
      kind: 'anthropic',
      keyFormat: 'starts with sk-ant-',
      platformKey: false,
      keys: 0,
    },
    {
      provider: 'custom',
      name: 'Your own OpenAI-compatible endpoint (send baseUrl and models)',
      kind: 'openai-compatible',
      keyFormat: '16 to 512 key characters',
      platformKey: false,
      keys: 0,
    },
  ],
  byok: { allowed: true, keysPerProvider: 1, unlockedBy: 'starter', ...over },
});
