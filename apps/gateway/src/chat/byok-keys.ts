import type { Principal } from '@gw/accounts';
import type { CatalogModel, CatalogProvider } from '@gw/catalog';
import { CUSTOM_PROVIDER, customProviderSlug, type KeyEntry } from '@gw/keys';
import type { ProviderHealthView, RankedCandidate } from '@gw/routing';

/** The users' keys the hot path reads: memory only (see KeysState). */
export interface UserKeyRing {
  /** The keys that may pay for a user's requests, by provider, in priority order. */
  routingKeys(userId: string): ReadonlyMap<string, readonly KeyEntry[]>;
  /** The decrypted key, or undefined when this instance could not load it. */
  apiKey(entry: KeyEntry): string | undefined;
  used(entry: KeyEntry): void;
  /** The provider refused the key (401/403): recorded as KeyValidationFailed, off the request path. */
  rejected(entry: KeyEntry, status: number | null, correlationId: string): void;
}

/** Which of the caller's own keys would pay, per provider, for this request. */
export interface ByokChoice {
  /** Providers the caller has a usable key for (the ranking's BYOK preference). */
  readonly providers: ReadonlySet<string>;
  /** The health credential per provider: `byok:<keyId>`. */
  readonly credentials: ReadonlyMap<string, string>;
  /** The key behind each credential. */
  readonly keys: ReadonlyMap<string, KeyEntry>;
  /** The caller's setting: never a platform key. */
  readonly only: boolean;
  /** The caller's own OpenAI-compatible endpoints (provider `custom`), as providers and models. */
  readonly custom?: {
    readonly providers: ReadonlyMap<string, CatalogProvider>;
    readonly models: readonly CatalogModel[];
  };
}

interface CustomRoute {
  readonly provider: CatalogProvider;
  readonly models: readonly CatalogModel[];
}

const customRoutes = new WeakMap<KeyEntry, CustomRoute>();

/**
 * A custom endpoint as the router sees it: a provider of its own (`custom-<key id>`), its models
 * served only when named (no power level offers them, so automatic routing never picks them), at no
 * catalog price (the caller pays their endpoint). Built once per key entry.
 */
export function customRouteOf(entry: KeyEntry): CustomRoute | undefined {
  if (!entry.custom) return undefined;
  let route = customRoutes.get(entry);
  if (!route) {
    const slug = customProviderSlug(entry.keyId);
    route = {
      provider: {
        slug,
        name: entry.label || 'Custom endpoint',
        kind: 'openai-compatible',
        baseUrl: entry.custom.baseUrl,
        enabled: true,
      },
      models: entry.custom.models.map((model) => ({
        id: `${slug}/${model}`,
        provider: slug,
        upstreamModel: model,
        displayName: model,
        prices: { inputPerMillion: 0n, outputPerMillion: 0n, cachedInputPerMillion: 0n },
        contextWindow: 1_000_000,
        maxOutputTokens: 1_000_000,
        capabilities: { streaming: true, tools: true, vision: true, jsonMode: true },
        quality: 0.5,
        typicalLatencyMs: 1_000,
        powerLevels: [],
        minTier: 'free',
        enabled: true,
      })),
    };
    customRoutes.set(entry, route);
  }
  return route;
}

export const byokCredential = (keyId: string): string => `byok:${keyId}`;

const EMPTY_SET: ReadonlySet<string> = new Set();
const EMPTY_MAP: ReadonlyMap<string, never> = new Map<string, never>();
export const NO_BYOK: ByokChoice = {
  providers: EMPTY_SET,
  credentials: EMPTY_MAP,
  keys: EMPTY_MAP,
  only: false,
};
const ONLY_BYOK_NONE: ByokChoice = { ...NO_BYOK, only: true };

/**
 * Per provider, the first of the caller's keys (priority order) whose own circuit is not open: a
 * rate-limited key pauses only itself and the next key, or the platform key, serves. A caller
 * without keys costs one map lookup.
 */
export function chooseByokKeys(
  principal: Principal,
  ring: Pick<UserKeyRing, 'routingKeys' | 'apiKey'>,
  health: Pick<ProviderHealthView, 'isAvailable'>,
): ByokChoice {
  const only = principal.byokOnly === true;
  const byProvider = ring.routingKeys(principal.userId);
  if (byProvider.size === 0) return only ? ONLY_BYOK_NONE : NO_BYOK;
  const providers = new Set<string>();
  const credentials = new Map<string, string>();
  const keys = new Map<string, KeyEntry>();
  let custom: { providers: Map<string, CatalogProvider>; models: CatalogModel[] } | undefined;
  for (const [provider, entries] of byProvider) {
    if (provider === CUSTOM_PROVIDER) {
      // Each custom endpoint is a provider of its own.
      for (const entry of entries) {
        const route = customRouteOf(entry);
        if (!route || ring.apiKey(entry) === undefined) continue;
        const credential = byokCredential(entry.keyId);
        custom ??= { providers: new Map(), models: [] };
        custom.providers.set(route.provider.slug, route.provider);
        custom.models.push(...route.models);
        providers.add(route.provider.slug);
        credentials.set(route.provider.slug, credential);
        keys.set(credential, entry);
      }
      continue;
    }
    const usable = entries.filter((k) => ring.apiKey(k) !== undefined);
    const key = usable.find((k) => health.isAvailable(provider, byokCredential(k.keyId))) ?? usable[0];
    if (!key) continue;
    const credential = byokCredential(key.keyId);
    providers.add(provider);
    credentials.set(provider, credential);
    keys.set(credential, key);
  }
  return { providers, credentials, keys, only, ...(custom && { custom }) };
}

/** The key a candidate would be paid with, when it is the caller's own. */
export const byokKeyOf = (choice: ByokChoice, candidate: RankedCandidate): KeyEntry | undefined =>
  candidate.byok && candidate.credential !== undefined ? choice.keys.get(candidate.credential) : undefined;

/**
 * The candidates to try in order: after each one paid by the caller's key, the same model on the
 * platform key when the provider has one (a refused or paused user key falls back to it first),
 * unless the caller uses their own keys only.
 */
export function withPlatformFallbacks(
  candidates: readonly RankedCandidate[],
  choice: ByokChoice,
  hasPlatformKey: (provider: string) => boolean,
): readonly RankedCandidate[] {
  if (choice.only || choice.providers.size === 0) return candidates;
  const out: RankedCandidate[] = [];
  for (const c of candidates) {
    out.push(c);
    if (c.byok && hasPlatformKey(c.provider)) {
      const { credential: _credential, ...platform } = c;
      out.push({ ...platform, byok: false });
    }
  }
  return out;
}
