import type { NamedMigration } from '@gw/database';

/**
 * Local sign-in (libs/accounts identity, used when no OIDC issuer is configured): one row per user
 * with a username and a scrypt password hash. Outside the event log, since a hash is still a secret
 * and events are forever; `username` is stored lowercased (sign-in is case-insensitive).
 */
export const migration: NamedMigration = {
  name: '20261201120000_create_local_credentials',
  async up(knex) {
    await knex.raw(`
      create table local_credentials (
        user_id        text        not null primary key,
        username       text        not null,
        password_hash  text        not null,
        updated_at     timestamptz not null default now(),
        constraint local_credentials_username_key unique (username),
        constraint local_credentials_username_check check (username = lower(username) and length(username) between 1 and 200)
      )`);
  },
  async down(knex) {
    await knex.raw('drop table if exists local_credentials');
  },
};
