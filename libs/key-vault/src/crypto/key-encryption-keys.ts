import { randomBytes, timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';
import { UnknownKekVersionError, VaultConfigError } from '../key-vault.errors';

/** AES-256 keys and the fingerprint HMAC key are 32 bytes. */
export const KEY_BYTES = 32;

/** KEK versions are stored in an `integer` column. */
export const MAX_KEK_VERSION = 2_147_483_647;

export interface KeyEncryptionKeysInit {
  /** Version → 32-byte key. */
  readonly keys: ReadonlyMap<number, Uint8Array> | Readonly<Record<number, Uint8Array>>;
  /** 32 bytes, separate from every KEK: fingerprints must not change when KEKs rotate. */
  readonly fingerprintKey: Uint8Array;
  /** Defaults to the highest version. */
  readonly activeVersion?: number;
}

const isVersion = (v: number): boolean => Number.isSafeInteger(v) && v >= 1 && v <= MAX_KEK_VERSION;

/**
 * The versioned key-encryption keys (KEKs) that wrap the data keys, the active version new data keys are
 * wrapped with, and the fingerprint key. Holds key material: `toJSON`, `toString` and `util.inspect` show
 * only the versions.
 */
export class KeyEncryptionKeys {
  readonly #keys: ReadonlyMap<number, Buffer>;
  readonly #fingerprintKey: Buffer;
  readonly activeVersion: number;

  private constructor(keys: ReadonlyMap<number, Buffer>, fingerprintKey: Buffer, activeVersion: number) {
    this.#keys = keys;
    this.#fingerprintKey = fingerprintKey;
    this.activeVersion = activeVersion;
  }

  /** Validates and copies the keys. Throws `VaultConfigError`; messages never contain key material. */
  static of(init: KeyEncryptionKeysInit): KeyEncryptionKeys {
    const entries: [number, Uint8Array][] =
      init.keys instanceof Map
        ? [...init.keys.entries()]
        : Object.entries(init.keys).map(([v, k]): [number, Uint8Array] => [Number(v), k]);
    if (entries.length === 0) throw new VaultConfigError('At least one key-encryption key is needed.');
    const keys = new Map<number, Buffer>();
    for (const [version, key] of entries) {
      if (!isVersion(version)) {
        throw new VaultConfigError(`KEK versions are integers from 1 to ${MAX_KEK_VERSION}.`);
      }
      if (key.length !== KEY_BYTES) {
        throw new VaultConfigError(`KEK v${version} must be ${KEY_BYTES} bytes (got ${key.length}).`);
      }
      keys.set(version, Buffer.from(key));
    }
    if (init.fingerprintKey.length !== KEY_BYTES) {
      throw new VaultConfigError(
        `The fingerprint key must be ${KEY_BYTES} bytes (got ${init.fingerprintKey.length}).`,
      );
    }
    const fingerprintKey = Buffer.from(init.fingerprintKey);
    for (const [version, key] of keys) {
      if (timingSafeEqual(key, fingerprintKey)) {
        throw new VaultConfigError(`The fingerprint key must differ from KEK v${version}.`);
      }
    }
    const activeVersion = init.activeVersion ?? Math.max(...keys.keys());
    if (!keys.has(activeVersion)) {
      throw new VaultConfigError(`The active KEK version v${activeVersion} has no key.`);
    }
    return new KeyEncryptionKeys(keys, fingerprintKey, activeVersion);
  }

  /** Fresh random keys: one KEK (version 1 unless given) and a fingerprint key. */
  static generate(version = 1): KeyEncryptionKeys {
    return KeyEncryptionKeys.of({
      keys: new Map([[version, randomBytes(KEY_BYTES)]]),
      fingerprintKey: randomBytes(KEY_BYTES),
    });
  }

  /** Configured versions, ascending. */
  get versions(): readonly number[] {
    return [...this.#keys.keys()].sort((a, b) => a - b);
  }

  has(version: number): boolean {
    return this.#keys.has(version);
  }

  /** The KEK of a version; `UnknownKekVersionError` if it is not configured. Do not keep or log it. */
  key(version: number): Buffer {
    const key = this.#keys.get(version);
    if (!key) throw new UnknownKekVersionError(version, this.versions);
    return key;
  }

  /** The HMAC key of fingerprints. Do not keep or log it. */
  get fingerprintKey(): Buffer {
    return this.#fingerprintKey;
  }

  /** Rotation: the same keys plus `key` as `version`, which becomes active if it is the highest. */
  withKey(version: number, key: Uint8Array): KeyEncryptionKeys {
    const keys = new Map<number, Uint8Array>(this.#keys);
    keys.set(version, key);
    return KeyEncryptionKeys.of({ keys, fingerprintKey: this.#fingerprintKey });
  }

  /** The same keys without `version` (after a rewrap); the highest remaining one is active. */
  withoutKey(version: number): KeyEncryptionKeys {
    const keys = new Map<number, Uint8Array>(this.#keys);
    keys.delete(version);
    return KeyEncryptionKeys.of({ keys, fingerprintKey: this.#fingerprintKey });
  }

  toJSON(): { activeVersion: number; versions: readonly number[] } {
    return { activeVersion: this.activeVersion, versions: this.versions };
  }

  toString(): string {
    return `KeyEncryptionKeys(active v${this.activeVersion}; ${this.versions.map((v) => `v${v}`).join(', ')})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
