import type { SealedSecret } from './crypto/envelope';

/** Whose key it is: a provider's platform key (owner = provider slug) or a user's BYOK key. */
export type VaultScope = 'platform' | 'user';

export const VAULT_SCOPES: readonly VaultScope[] = ['platform', 'user'];

/**
 * Where a secret lives. A row is keyed by (scope, ownerId, secretId); all four fields are bound to the
 * ciphertext as associated data, so a row read under any other reference fails to decrypt.
 */
export interface SecretRef {
  readonly scope: VaultScope;
  readonly ownerId: string;
  readonly secretId: string;
  /** Provider slug, e.g. `openai`. */
  readonly provider: string;
}

/** What may leave the vault after a put: safe to put into events, read models and logs. */
export interface StoredSecret {
  /** The key-encryption key version the data key was wrapped with. */
  readonly kekVersion: number;
  /** HMAC-SHA256 of the secret under the fingerprint key, hex; stable across KEK rotation. */
  readonly fingerprint: string;
  /** e.g. `sk-…wxyz`; never more than 8 characters of the secret. */
  readonly masked: string;
  /** The tail `masked` shows: 4 characters, fewer for short secrets. */
  readonly last4: string;
}

/**
 * The encrypted store for provider API keys (DESIGN.md "Events"). Secrets never go into the event log;
 * events carry what `put` returns.
 */
export interface KeyVault {
  /** Encrypts and stores the secret, replacing whatever that reference held before. */
  put(ref: SecretRef, plaintext: string): Promise<StoredSecret>;
  /**
   * The secret, or undefined when the reference holds none. Throws `SecretDecryptionError` when the row
   * does not authenticate under this reference (another reference's row, altered, wrong KEK) and
   * `UnknownKekVersionError` when its KEK version is not configured.
   */
  get(ref: SecretRef): Promise<string | undefined>;
  /**
   * The stored envelope, not opened: for callers that hold secrets in memory and decrypt one only at
   * the moment they use it (`open`). A copy: changing it changes nothing stored. Undefined when the
   * reference holds none.
   */
  getSealed(ref: SecretRef): Promise<SealedSecret | undefined>;
  /**
   * The plaintext of an envelope `getSealed` returned for the same reference, with this vault's KEKs;
   * no I/O. Throws as `get` does (another reference, altered bytes, unknown KEK version).
   */
  open(ref: SecretRef, sealed: SealedSecret): string;
  /** Crypto-shredding: deletes the row. True when there was one. */
  destroy(ref: SecretRef): Promise<boolean>;
  /** Deletes every secret of an owner (a removed user, a removed provider); returns how many. */
  destroyOwner(scope: VaultScope, ownerId: string): Promise<number>;
  /**
   * Re-wraps every data key not wrapped by the active KEK version under it; the secrets' ciphertexts are
   * untouched. Returns how many rows changed. Afterwards older KEK versions can be removed.
   */
  rewrap(): Promise<number>;
}
