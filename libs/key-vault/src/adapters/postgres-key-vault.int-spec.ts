import { describeBackends } from '@gw/database/testing';
import { eventually } from '@gw/shared-kernel/testing';
import { aSecret, keyVaultContract, newSecretRef, type KeyVaultFixture } from '@gw/key-vault/testing';
import type { Knex } from 'knex';
import type { SealedSecret } from '../crypto/envelope';
import { KeyEncryptionKeys } from '../crypto/key-encryption-keys';
import type { SecretRef } from '../key-vault.port';
import { PostgresKeyVault, VAULT_SECRETS_TABLE } from './postgres-key-vault';
import { openTestDatabase, type TestDatabase } from './postgres-test-support';

type Kind = 'pglite' | 'postgres';

const keyOf = (ref: SecretRef) => ({ scope: ref.scope, owner_id: ref.ownerId, secret_id: ref.secretId });

const bytes = (value: unknown): Buffer => {
  if (!ArrayBuffer.isView(value)) throw new Error('not bytea');
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
};

async function openFixture(kind: Kind): Promise<KeyVaultFixture & { knex: Knex }> {
  const db: TestDatabase = await openTestDatabase(kind);
  const knex = db.knex;
  const rawRow = async (ref: SecretRef) => {
    const row: Record<string, unknown> | undefined = await knex(VAULT_SECRETS_TABLE)
      .where(keyOf(ref))
      .first();
    return row;
  };
  return {
    knex,
    vault: (keys) => new PostgresKeyVault(knex, keys, { rewrapBatchSize: 2 }),
    rawRow,
    sealed: async (ref) => {
      const row = await rawRow(ref);
      return (
        row && {
          kekVersion: Number(row.kek_version),
          wrappedKey: bytes(row.wrapped_key),
          iv: bytes(row.iv),
          ciphertext: bytes(row.ciphertext),
          authTag: bytes(row.auth_tag),
        }
      );
    },
    write: async (ref, sealed: SealedSecret) => {
      const columns = {
        provider: ref.provider,
        kek_version: sealed.kekVersion,
        wrapped_key: sealed.wrappedKey,
        iv: sealed.iv,
        ciphertext: sealed.ciphertext,
        auth_tag: sealed.authTag,
      };
      await knex(VAULT_SECRETS_TABLE)
        .insert({ ...keyOf(ref), ...columns })
        .onConflict(['scope', 'owner_id', 'secret_id'])
        .merge(columns);
    },
    cleanup: () => db.drop(),
  };
}

describeBackends('PostgresKeyVault', (kind) => {
  keyVaultContract(kind, () => openFixture(kind));

  describe('adapter specifics', () => {
    let fixture: Awaited<ReturnType<typeof openFixture>> | undefined;
    const opened = () => {
      if (!fixture) throw new Error('The fixture is not ready (openFixture failed?)');
      return fixture;
    };
    const keys = KeyEncryptionKeys.generate();
    beforeAll(async () => {
      fixture = await openFixture(kind);
    });
    afterAll(async () => {
      await fixture?.cleanup();
    });

    it('shows no plaintext in the row as text (what a dump or psql shows)', async () => {
      const ref = newSecretRef();
      const secret = aSecret();
      await opened().vault(keys).put(ref, secret);

      const { rows } = (await opened().knex.raw(
        `select v::text as dump from ${VAULT_SECRETS_TABLE} v where scope = ? and owner_id = ? and secret_id = ?`,
        [ref.scope, ref.ownerId, ref.secretId],
      )) as { rows: { dump: string }[] };

      expect(rows).toHaveLength(1);
      expect(rows[0]!.dump).toContain(ref.ownerId);
      expect(rows[0]!.dump).not.toContain(secret);
      expect(rows[0]!.dump).not.toContain(Buffer.from(secret).toString('hex'));
    });

    it('keeps created_at and moves updated_at when a put replaces a row', async () => {
      const ref = newSecretRef();
      await opened().vault(keys).put(ref, aSecret());
      const first = await opened()
        .knex(VAULT_SECRETS_TABLE)
        .where(keyOf(ref))
        .first('created_at', 'updated_at');
      // A later marker, not a sleep: the database's own clock has passed the first write by 1 ms.
      await eventually(
        async () => {
          const { rows } = (await opened().knex.raw('select extract(epoch from now()) * 1000 as ms')) as {
            rows: { ms: string | number }[];
          };
          return Number(rows[0]!.ms) >= new Date(first.updated_at).getTime() + 1 ? true : undefined;
        },
        5_000,
        "the database clock to pass the first put's updated_at",
      );

      await opened().vault(keys).put(ref, aSecret());

      const second = await opened()
        .knex(VAULT_SECRETS_TABLE)
        .where(keyOf(ref))
        .first('created_at', 'updated_at');
      expect(new Date(second.created_at).getTime()).toBe(new Date(first.created_at).getTime());
      expect(new Date(second.updated_at).getTime()).toBeGreaterThan(new Date(first.updated_at).getTime());
    });

    it('works inside a transaction, using only the transaction', async () => {
      const ref = newSecretRef();
      const secret = aSecret();

      await opened().knex.transaction(async (trx) => {
        const vault = new PostgresKeyVault(trx, keys);
        await vault.put(ref, secret);
        expect(await vault.get(ref)).toBe(secret);
        expect(await vault.destroyOwner(ref.scope, ref.ownerId)).toBe(1);
        await vault.put(ref, secret);
      });

      expect(await opened().vault(keys).get(ref)).toBe(secret);
    });
  });
});
