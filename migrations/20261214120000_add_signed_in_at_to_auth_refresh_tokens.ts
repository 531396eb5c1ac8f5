import type { NamedMigration } from '@gw/database';

/**
 * When a refresh-token family's sign-in happened (copied to every token of the family on rotation),
 * so an access token says how old its session is (`auth_time`), not how old its last refresh is:
 * creating a gateway key needs a session signed in within 15 minutes, or the password again.
 * Families from before have none: they count as signed in long ago (the password is asked again).
 */
export const migration: NamedMigration = {
  name: '20261214120000_add_signed_in_at_to_auth_refresh_tokens',
  async up(knex) {
    await knex.raw('alter table auth_refresh_tokens add column signed_in_at timestamptz');
  },
  async down(knex) {
    await knex.raw('alter table auth_refresh_tokens drop column if exists signed_in_at');
  },
};
