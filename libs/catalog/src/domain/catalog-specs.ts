import type { ModelTraits, ProviderKind } from './catalog.types';
import type { PaidParam } from './paid-params';

/** What an admin (or the seed) says about a provider when registering it. */
export interface ProviderSpec {
  readonly slug: string;
  readonly name: string;
  readonly kind: ProviderKind;
  /** The API root including its version path, e.g. `https://api.openai.com/v1`. */
  readonly baseUrl: string;
  /** False for servers that take no key (local vLLM, Ollama, the mocks). */
  readonly requiresKey: boolean;
  /**
   * Charge-changing request features (PAID_PARAMS) an admin lets through to this provider although
   * the catalog does not price them; absent or empty: all refused. Older events lack the field.
   */
  readonly allowedPaidParams?: readonly PaidParam[];
}

/** What an admin (or the seed) says about a model when adding it. */
export interface ModelSpec extends ModelTraits {
  /** The provider's own model id, as its API expects it (may contain `/`, `:` or `.`). */
  readonly model: string;
}

/** One provider of the seed and its models. */
export interface ProviderSeed {
  readonly provider: ProviderSpec;
  /** Hosted providers are seeded enabled (they still need a platform key); local servers disabled. */
  readonly enabled: boolean;
  readonly models: readonly ModelSpec[];
}
