import { POWER_LEVELS, TIERS } from '@gw/shared-kernel';
import type { ProviderKind } from '../domain/catalog.types';
import { REAL_PROVIDER_SEEDS } from './real-providers.seed';

const LOCAL_SLUGS = ['vllm', 'ollama'];
const EXPECTED_KINDS: Readonly<Record<string, ProviderKind>> = {
  anthropic: 'anthropic',
  gemini: 'gemini',
  cohere: 'cohere',
};

const allModels = REAL_PROVIDER_SEEDS.flatMap((seed) =>
  seed.models.map((model) => ({ slug: seed.provider.slug, local: !seed.provider.requiresKey, model })),
);
const modelCases = allModels.map((entry) => [`${entry.slug}/${entry.model.model}`, entry] as const);
const providerCases = REAL_PROVIDER_SEEDS.map((seed) => [seed.provider.slug, seed] as const);

describe('REAL_PROVIDER_SEEDS', () => {
  it('holds the 14 expected providers under unique, well-formed slugs', () => {
    const slugs = REAL_PROVIDER_SEEDS.map((seed) => seed.provider.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
    expect([...slugs].sort()).toEqual(
      [
        'anthropic',
        'cohere',
        'deepinfra',
        'fireworks',
        'gemini',
        'groq',
        'huggingface',
        'mistral',
        'ollama',
        'openai',
        'openrouter',
        'perplexity',
        'together',
        'vllm',
      ].sort(),
    );
    for (const slug of slugs) expect(slug).toMatch(/^[a-z0-9][a-z0-9-]{1,40}$/);
  });

  it('holds at least 30 models', () => {
    expect(allModels.length).toBeGreaterThanOrEqual(30);
  });

  describe.each(providerCases)('provider %s', (slug, seed) => {
    it('cannot serve before an admin acts: keyed providers need a key, local ones start disabled', () => {
      expect(seed.provider.requiresKey ? seed.enabled : !seed.enabled).toBe(true);
    });

    it('has at least one model, each id unique within the provider', () => {
      const ids = seed.models.map((m) => m.model);
      expect(ids.length).toBeGreaterThan(0);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(id).toMatch(/^\S+$/);
    });

    it('has the kind its wire protocol needs', () => {
      expect(seed.provider.kind).toBe(EXPECTED_KINDS[slug] ?? 'openai-compatible');
    });

    it('has a name', () => {
      expect(seed.provider.name.trim()).not.toBe('');
    });

    it('points at https when hosted and at 127.0.0.1 over http (keyless) when local', () => {
      expect(URL.canParse(seed.provider.baseUrl)).toBe(true);
      const url = new URL(seed.provider.baseUrl);
      expect(url.search).toBe('');
      expect(url.hash).toBe('');
      expect(seed.provider.baseUrl.endsWith('/')).toBe(false);
      if (LOCAL_SLUGS.includes(slug)) {
        expect(url.protocol).toBe('http:');
        expect(url.hostname).toBe('127.0.0.1');
        expect(seed.provider.requiresKey).toBe(false);
      } else {
        expect(url.protocol).toBe('https:');
        expect(seed.provider.requiresKey).toBe(true);
      }
    });
  });

  describe.each(modelCases)('model %s', (_id, { local, model }) => {
    it('has integer, non-negative prices with cached ≤ input ≤ output', () => {
      const { inputPerMillion, outputPerMillion, cachedInputPerMillion } = model.prices;
      for (const p of [inputPerMillion, outputPerMillion, cachedInputPerMillion]) {
        expect(typeof p).toBe('bigint');
        expect(p >= 0n).toBe(true);
      }
      expect(cachedInputPerMillion <= inputPerMillion).toBe(true);
      expect(outputPerMillion >= inputPerMillion).toBe(true);
    });

    it('is priced when hosted and free only when self-hosted', () => {
      const { inputPerMillion, outputPerMillion } = model.prices;
      if (local) {
        expect(inputPerMillion).toBe(0n);
        expect(outputPerMillion).toBe(0n);
      } else {
        expect(inputPerMillion > 0n).toBe(true);
        expect(outputPerMillion > 0n).toBe(true);
      }
    });

    it('has a context window larger than its positive output cap', () => {
      expect(Number.isInteger(model.contextWindow)).toBe(true);
      expect(Number.isInteger(model.maxOutputTokens)).toBe(true);
      expect(model.maxOutputTokens).toBeGreaterThan(0);
      expect(model.contextWindow).toBeGreaterThan(model.maxOutputTokens);
    });

    it('has a quality in (0, 1] and a positive typical latency', () => {
      expect(model.quality).toBeGreaterThan(0);
      expect(model.quality).toBeLessThanOrEqual(1);
      expect(Number.isInteger(model.typicalLatencyMs)).toBe(true);
      expect(model.typicalLatencyMs).toBeGreaterThan(0);
    });

    it('serves a non-empty set of known power levels and a known minimum tier', () => {
      expect(model.powerLevels.length).toBeGreaterThan(0);
      expect(new Set(model.powerLevels).size).toBe(model.powerLevels.length);
      for (const level of model.powerLevels) expect(POWER_LEVELS).toContain(level);
      expect(TIERS).toContain(model.minTier);
    });

    it('has a display name', () => {
      expect(model.displayName.trim()).not.toBe('');
    });
  });

  it('prices Anthropic prompt-cache writes at 1.25× input and reads at a tenth', () => {
    const anthropic = REAL_PROVIDER_SEEDS.find((seed) => seed.provider.slug === 'anthropic')!;
    for (const { prices } of anthropic.models) {
      expect(prices.cacheWritePerMillion).toBe((prices.inputPerMillion * 5n) / 4n);
      expect(prices.cachedInputPerMillion).toBe(prices.inputPerMillion / 10n);
    }
  });
});
