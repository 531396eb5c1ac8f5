import type { PowerLevel, Tier } from '@gw/shared-kernel';
import type { ModelCapabilities, ModelPrices, ProviderKind } from './catalog.types';

/** What an admin (or the seed) says about a provider when registering it. */
export interface ProviderSpec {
  readonly slug: string;
  readonly name: string;
  readonly kind: ProviderKind;
  /** The API root including its version path, e.g. `https://api.openai.com/v1`. */
  readonly baseUrl: string;
  /** False for servers that take no key (local vLLM, Ollama, the mocks). */
  readonly requiresKey: boolean;
}

/** What an admin (or the seed) says about a model when adding it. */
export interface ModelSpec {
  /** The provider's own model id, as its API expects it (may contain `/`, `:` or `.`). */
  readonly model: string;
  readonly displayName: string;
  /** Integer micro-dollars per million tokens. */
  readonly prices: ModelPrices;
  readonly contextWindow: number;
  readonly maxOutputTokens: number;
  readonly capabilities: ModelCapabilities;
  /** 0..1, the catalog's own rating used by the quality weight. */
  readonly quality: number;
  /** Typical time to a full answer, used until live traffic says otherwise. */
  readonly typicalLatencyMs: number;
  readonly powerLevels: readonly PowerLevel[];
  readonly minTier: Tier;
}

/** One provider of the seed and its models. */
export interface ProviderSeed {
  readonly provider: ProviderSpec;
  /** Hosted providers are seeded enabled (they still need a platform key); local servers disabled. */
  readonly enabled: boolean;
  readonly models: readonly ModelSpec[];
}
