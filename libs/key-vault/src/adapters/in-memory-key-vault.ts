import { RewrapIncompleteError } from '../key-vault.errors';
import type { KeyVault, SecretRef, StoredSecret, VaultScope } from '../key-vault.port';
import { openSecret, rewrapSealed, sealSecret, type SealedSecret } from '../crypto/envelope';
import type { KeyEncryptionKeys } from '../crypto/key-encryption-keys';
import { describeSecret } from '../crypto/secret-display';
import { assertOwner, assertPlaintext, assertSecretRef } from '../secret-ref';

/** One stored secret: the reference it was sealed for and the sealed bytes. */
export interface InMemoryVaultRow {
  readonly ref: SecretRef;
  readonly sealed: SealedSecret;
}

const rowKey = (scope: VaultScope, ownerId: string, secretId: string): string =>
  JSON.stringify([scope, ownerId, secretId]);

const copy = (sealed: SealedSecret): SealedSecret => ({
  kekVersion: sealed.kekVersion,
  wrappedKey: Buffer.from(sealed.wrappedKey),
  iv: Buffer.from(sealed.iv),
  ciphertext: Buffer.from(sealed.ciphertext),
  authTag: Buffer.from(sealed.authTag),
});

/**
 * The vault in a Map, for unit and handler tests. Vaults made with `withKeys` share the rows, as two
 * processes with different KEK configurations share a table.
 */
export class InMemoryKeyVault implements KeyVault {
  constructor(
    private readonly keys: KeyEncryptionKeys,
    /** Keyed by JSON `[scope, ownerId, secretId]`; exposed so tests can inspect and tamper with rows. */
    readonly rows: Map<string, InMemoryVaultRow> = new Map(),
  ) {}

  /** A vault over the same rows with other keys (after a rotation). */
  withKeys(keys: KeyEncryptionKeys): InMemoryKeyVault {
    return new InMemoryKeyVault(keys, this.rows);
  }

  static rowKey(ref: Pick<SecretRef, 'scope' | 'ownerId' | 'secretId'>): string {
    return rowKey(ref.scope, ref.ownerId, ref.secretId);
  }

  async put(ref: SecretRef, plaintext: string): Promise<StoredSecret> {
    assertSecretRef(ref);
    assertPlaintext(plaintext);
    const sealed = sealSecret(this.keys, ref, plaintext);
    this.rows.set(InMemoryKeyVault.rowKey(ref), { ref: { ...ref }, sealed });
    return describeSecret(plaintext, this.keys, sealed.kekVersion);
  }

  async get(ref: SecretRef): Promise<string | undefined> {
    const sealed = await this.getSealed(ref);
    return sealed ? openSecret(this.keys, ref, sealed) : undefined;
  }

  async getSealed(ref: SecretRef): Promise<SealedSecret | undefined> {
    assertSecretRef(ref);
    const row = this.rows.get(InMemoryKeyVault.rowKey(ref));
    return row ? copy(row.sealed) : undefined;
  }

  open(ref: SecretRef, sealed: SealedSecret): string {
    assertSecretRef(ref);
    return openSecret(this.keys, ref, sealed);
  }

  async destroy(ref: SecretRef): Promise<boolean> {
    assertSecretRef(ref);
    return this.rows.delete(InMemoryKeyVault.rowKey(ref));
  }

  async destroyOwner(scope: VaultScope, ownerId: string): Promise<number> {
    assertOwner(scope, ownerId);
    let count = 0;
    for (const [key, row] of this.rows) {
      if (row.ref.scope === scope && row.ref.ownerId === ownerId) {
        this.rows.delete(key);
        count += 1;
      }
    }
    return count;
  }

  async rewrap(): Promise<number> {
    let rewrapped = 0;
    const failures: { ref: SecretRef; error: Error }[] = [];
    for (const [key, row] of this.rows) {
      if (row.sealed.kekVersion === this.keys.activeVersion) continue;
      try {
        this.rows.set(key, { ref: row.ref, sealed: rewrapSealed(this.keys, row.ref, copy(row.sealed)) });
        rewrapped += 1;
      } catch (e) {
        failures.push({ ref: row.ref, error: e instanceof Error ? e : new Error(String(e)) });
      }
    }
    if (failures.length > 0) throw new RewrapIncompleteError(rewrapped, failures);
    return rewrapped;
  }
}
