import type { Micros, PowerLevel, Tier } from '@gw/shared-kernel';
import type { PaidParam } from './paid-params';
export type ProviderKind = 'openai-compatible' | 'anthropic' | 'gemini' | 'cohere';

export interface ModelCapabilities {
  readonly streaming: boolean;
  readonly tools: boolean;
  readonly vision: boolean;
  readonly jsonMode: boolean;
}

/** Prices are integer micro-dollars per million tokens. */
export interface ModelPrices {
  readonly inputPerMillion: Micros;
  readonly outputPerMillion: Micros;
  readonly cachedInputPerMillion: Micros;
  /** Prompt tokens written to the provider's cache (Anthropic: 1.25× input); absent: the input price. */
  readonly cacheWritePerMillion?: Micros;
  /** Cache writes kept for an hour (Anthropic: 2× input); absent: the cache-write price. */
  readonly cacheWrite1hPerMillion?: Micros;
  /** A fee per request on top of tokens (Perplexity's search fee), in micro-dollars; absent: none. */
  readonly perRequest?: Micros;
  /**
   * Long-context rates (Gemini 2.5 Pro above 200k prompt tokens): a request whose prompt has more than
   * `aboveTokens` tokens pays these input and output prices for all its tokens (cached input keeps
   * its price).
   */
  readonly longContext?: {
    readonly aboveTokens: number;
    readonly inputPerMillion: Micros;
    readonly outputPerMillion: Micros;
  };
}

export interface CatalogProvider {
  readonly slug: string;
  readonly name: string;
  readonly kind: ProviderKind;
  readonly baseUrl: string;
  readonly enabled: boolean;
  /** Platform key, already decrypted, held in memory only. Never logged or returned. */
  readonly apiKey?: string;
  /** Charge-changing request features an admin allowed here (ProviderSpec.allowedPaidParams). */
  readonly allowedPaidParams?: readonly PaidParam[];
}

/** What the catalog says about a model, whoever holds it (seed, events, routing snapshot). */
export interface ModelTraits {
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

/** A model as the hot path routes to it. */
export interface CatalogModel extends ModelTraits {
  /** `provider/model`, the id clients see. */
  readonly id: string;
  readonly provider: string;
  /** The id the upstream expects. */
  readonly upstreamModel: string;
  readonly enabled: boolean;
  /** Deprecated models are served when named, never chosen by routing. */
  readonly deprecation?: { readonly replacement: string | null };
  /** Which version of its prices this is: 1 when added, one more on each price change. */
  readonly priceVersion?: number;
}

export interface CatalogSnapshot {
  readonly providers: ReadonlyMap<string, CatalogProvider>;
  readonly models: readonly CatalogModel[];
  /**
   * Providers that take a key and have no platform key, with their enabled models by provider: they
   * serve only callers who bring their own key for them (BYOK). Absent: none.
   */
  readonly keyOnly?: {
    readonly providers: ReadonlyMap<string, CatalogProvider>;
    readonly models: ReadonlyMap<string, readonly CatalogModel[]>;
  };
}
