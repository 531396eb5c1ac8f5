import type { Principal } from '@gw/accounts';
import type { KeyEntry } from '@gw/keys';
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
  for (const [provider, entries] of byProvider) {
    const usable = entries.filter((k) => ring.apiKey(k) !== undefined);
    const key = usable.find((k) => health.isAvailable(provider, byokCredential(k.keyId))) ?? usable[0];
    if (!key) continue;
    const credential = byokCredential(key.keyId);
    providers.add(provider);
    credentials.set(provider, credential);
    keys.set(credential, key);
  }
  return { providers, credentials, keys, only };
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
