import type { NamedMigration } from '@gw/database';

/**
 * The key vault (libs/key-vault): provider API keys, encrypted, outside the event log.
 *
 * One row per (scope, owner_id, secret_id): scope 'platform' (owner = provider slug) or 'user' (owner =
 * user id). The secret is AES-256-GCM `ciphertext` + `auth_tag` under its own data key and `iv`; the data
 * key is `wrapped_key` (iv | encrypted key | tag) under key-encryption key `kek_version`. scope, owner_id,
 * secret_id and provider are the associated data, so a row copied to another reference does not decrypt.
 * Deleting a row is crypto-shredding; rotating the KEK rewrites only `kek_version` and `wrapped_key`.
 */
export const migration: NamedMigration = {
  name: '20261123124000_create_vault_secrets',
  async up(knex) {
    await knex.raw(`
      create table vault_secrets (
        scope        text        not null,
        owner_id     text        not null,
        secret_id    text        not null,
        provider     text        not null,
        kek_version  integer     not null,
        wrapped_key  bytea       not null,
        iv           bytea       not null,
        ciphertext   bytea       not null,
        auth_tag     bytea       not null,
        created_at   timestamptz not null default now(),
        updated_at   timestamptz not null default now(),
        constraint vault_secrets_pkey primary key (scope, owner_id, secret_id),
        constraint vault_secrets_scope_check check (scope in ('platform', 'user')),
        constraint vault_secrets_kek_version_check check (kek_version > 0),
        constraint vault_secrets_wrapped_key_check check (octet_length(wrapped_key) = 60),
        constraint vault_secrets_iv_check check (octet_length(iv) = 12),
        constraint vault_secrets_auth_tag_check check (octet_length(auth_tag) = 16)
      )`);
    // rewrap looks for rows not under the active KEK version
    await knex.raw('create index vault_secrets_kek_version_idx on vault_secrets (kek_version)');
  },
  async down(knex) {
    await knex.raw('drop table if exists vault_secrets');
  },
};
