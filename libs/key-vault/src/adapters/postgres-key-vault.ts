import type { Knex } from 'knex';
import { RewrapIncompleteError } from '../key-vault.errors';
import type { KeyVault, SecretRef, StoredSecret, VaultScope } from '../key-vault.port';
import { openSecret, rewrapSealed, sealSecret, type SealedSecret } from '../crypto/envelope';
import type { KeyEncryptionKeys } from '../crypto/key-encryption-keys';
import { describeSecret } from '../crypto/secret-display';
import { assertOwner, assertPlaintext, assertSecretRef, assertVaultScope } from '../secret-ref';

/** Created by migration `20261123124000_create_vault_secrets`; the adapter never creates tables. */
export const VAULT_SECRETS_TABLE = 'vault_secrets';

/** A `vault_secrets` row as the drivers return it. */
interface VaultSecretRow {
  scope: string;
  owner_id: string;
  secret_id: string;
  provider: string;
  kek_version: number | string;
  wrapped_key: unknown;
  iv: unknown;
  ciphertext: unknown;
  auth_tag: unknown;
}

const SEALED_COLUMNS = ['kek_version', 'wrapped_key', 'iv', 'ciphertext', 'auth_tag'] as const;
const KEY_COLUMNS = ['scope', 'owner_id', 'secret_id'] as const;

/** bytea: a Buffer from `pg`, a Uint8Array from PGlite (possibly of another realm), `\x…` text if untyped. */
function toBuffer(value: unknown, column: string): Buffer {
  if (typeof value === 'string' && value.startsWith('\\x')) return Buffer.from(value.slice(2), 'hex');
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw new Error(`${VAULT_SECRETS_TABLE}.${column} is not bytea`);
}

const toSealed = (row: Pick<VaultSecretRow, (typeof SEALED_COLUMNS)[number]>): SealedSecret => ({
  kekVersion: Number(row.kek_version), // integer: a number from both drivers; Number() in case of int8
  wrappedKey: toBuffer(row.wrapped_key, 'wrapped_key'),
  iv: toBuffer(row.iv, 'iv'),
  ciphertext: toBuffer(row.ciphertext, 'ciphertext'),
  authTag: toBuffer(row.auth_tag, 'auth_tag'),
});

const sealedColumns = (sealed: SealedSecret) => ({
  kek_version: sealed.kekVersion,
  wrapped_key: sealed.wrappedKey,
  iv: sealed.iv,
  ciphertext: sealed.ciphertext,
  auth_tag: sealed.authTag,
});

const keyOf = (ref: Pick<SecretRef, 'scope' | 'ownerId' | 'secretId'>) => ({
  scope: ref.scope,
  owner_id: ref.ownerId,
  secret_id: ref.secretId,
});

const refOf = (row: VaultSecretRow): SecretRef => {
  assertVaultScope(row.scope);
  return { scope: row.scope, ownerId: row.owner_id, secretId: row.secret_id, provider: row.provider };
};

export interface PostgresKeyVaultOptions {
  /** Rows read per round by `rewrap` (default 100). */
  readonly rewrapBatchSize?: number;
}

/**
 * The vault in PostgreSQL or PGlite (knex). Every operation is one statement, so nothing holds PGlite's
 * single connection across awaits; `db` may also be a transaction.
 */
export class PostgresKeyVault implements KeyVault {
  private readonly rewrapBatchSize: number;

  constructor(
    private readonly db: Knex,
    private readonly keys: KeyEncryptionKeys,
    private readonly options: PostgresKeyVaultOptions = {},
  ) {
    this.rewrapBatchSize = options.rewrapBatchSize ?? 100;
  }

  /** A vault over the same table with other keys (after a rotation). */
  withKeys(keys: KeyEncryptionKeys): PostgresKeyVault {
    return new PostgresKeyVault(this.db, keys, this.options);
  }

  async put(ref: SecretRef, plaintext: string): Promise<StoredSecret> {
    assertSecretRef(ref);
    assertPlaintext(plaintext);
    const sealed = sealSecret(this.keys, ref, plaintext);
    const columns = { provider: ref.provider, ...sealedColumns(sealed) };
    await this.db(VAULT_SECRETS_TABLE)
      .insert({ ...keyOf(ref), ...columns })
      .onConflict([...KEY_COLUMNS])
      .merge({ ...columns, updated_at: this.db.fn.now() });
    return describeSecret(plaintext, this.keys, sealed.kekVersion);
  }

  async get(ref: SecretRef): Promise<string | undefined> {
    const sealed = await this.getSealed(ref);
    // The reference asked for, not the row's columns, is the associated data: a row that was sealed for
    // another reference (or whose provider column was edited) does not authenticate.
    return sealed ? openSecret(this.keys, ref, sealed) : undefined;
  }

  async getSealed(ref: SecretRef): Promise<SealedSecret | undefined> {
    assertSecretRef(ref);
    const row = await this.db<VaultSecretRow>(VAULT_SECRETS_TABLE)
      .select(...SEALED_COLUMNS)
      .where(keyOf(ref))
      .first();
    return row ? toSealed(row) : undefined;
  }

  open(ref: SecretRef, sealed: SealedSecret): string {
    assertSecretRef(ref);
    return openSecret(this.keys, ref, sealed);
  }

  async destroy(ref: SecretRef): Promise<boolean> {
    assertSecretRef(ref);
    // knex-pglite answers a bare delete with a result object, not a count: count returned rows instead.
    const deleted = await this.db(VAULT_SECRETS_TABLE).where(keyOf(ref)).delete().returning('secret_id');
    return deleted.length > 0;
  }

  async destroyOwner(scope: VaultScope, ownerId: string): Promise<number> {
    assertOwner(scope, ownerId);
    const deleted = await this.db(VAULT_SECRETS_TABLE)
      .where({ scope, owner_id: ownerId })
      .delete()
      .returning('secret_id');
    return deleted.length;
  }

  async rewrap(): Promise<number> {
    const active = this.keys.activeVersion;
    let rewrapped = 0;
    const failures: { ref: SecretRef; error: Error }[] = [];
    let after: readonly [string, string, string] | undefined;
    for (;;) {
      const query = this.db<VaultSecretRow>(VAULT_SECRETS_TABLE)
        .select('provider', ...KEY_COLUMNS, ...SEALED_COLUMNS)
        .whereNot('kek_version', active)
        .orderBy([...KEY_COLUMNS])
        .limit(this.rewrapBatchSize);
      if (after) query.whereRaw('(scope, owner_id, secret_id) > (?, ?, ?)', [...after]);
      const rows = await query;
      for (const row of rows) {
        const ref = refOf(row);
        const sealed = toSealed(row);
        let next: SealedSecret;
        try {
          next = rewrapSealed(this.keys, ref, sealed);
        } catch (e) {
          failures.push({ ref, error: e instanceof Error ? e : new Error(String(e)) });
          continue;
        }
        // Only if nobody replaced the row meanwhile; a put since then already used the active KEK.
        const updated = await this.db(VAULT_SECRETS_TABLE)
          .where({ ...keyOf(ref), kek_version: sealed.kekVersion, wrapped_key: sealed.wrappedKey })
          .update({
            kek_version: next.kekVersion,
            wrapped_key: next.wrappedKey,
            updated_at: this.db.fn.now(),
          });
        rewrapped += Number(updated);
      }
      if (rows.length < this.rewrapBatchSize) break;
      const last = rows[rows.length - 1]!;
      after = [last.scope, last.owner_id, last.secret_id];
    }
    if (failures.length > 0) throw new RewrapIncompleteError(rewrapped, failures);
    return rewrapped;
  }
}
