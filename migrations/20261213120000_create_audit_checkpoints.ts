import type { NamedMigration } from '@gw/database';

/**
 * Signed checkpoints of the audited streams (issue 16): per stream, the newest head the gateway signed
 * (revision, chain link, time, Ed25519 signature). See libs/eventstore/src/chain/checkpoint.ts.
 */
export const migration: NamedMigration = {
  name: '20261213120000_create_audit_checkpoints',
  async up(knex) {
    await knex.schema.createTable('audit_checkpoints', (t) => {
      t.text('stream_id').primary();
      t.bigInteger('revision').notNullable();
      t.text('link').notNullable();
      t.timestamp('signed_at', { useTz: true }).notNullable();
      t.text('key_id').notNullable();
      t.text('signature').notNullable();
    });
  },
  async down(knex) {
    await knex.schema.dropTable('audit_checkpoints');
  },
};
