import type { NamedMigration } from '@gw/database';

/**
 * Refresh tokens of local sign-in: only the SHA-256 of each opaque token is stored. Tokens of one
 * sign-in share a `family_id`; refreshing uses a token (`used_at`) and issues the next one, so a token
 * presented again after its use means it was copied, and the whole family is revoked.
 */
export const migration: NamedMigration = {
  name: '20261201120100_create_auth_refresh_tokens',
  async up(knex) {
    await knex.raw(`
      create table auth_refresh_tokens (
        token_hash  text        not null primary key,
        family_id   text        not null,
        user_id     text        not null,
        expires_at  timestamptz not null,
        used_at     timestamptz,
        revoked_at  timestamptz,
        created_at  timestamptz not null default now()
      )`);
    await knex.raw('create index auth_refresh_tokens_family_idx on auth_refresh_tokens (family_id)');
    await knex.raw('create index auth_refresh_tokens_expires_idx on auth_refresh_tokens (expires_at)');
  },
  async down(knex) {
    await knex.raw('drop table if exists auth_refresh_tokens');
  },
};
