import type { NamedMigration } from '@gw/database';

/**
 * The Kafka relay's checkpoint (libs/messaging EventRelay): the position of the last event the broker
 * acknowledged, one row per relay. Written only after the acknowledgement, so a crash in between
 * republishes (at least once); apart from `projection_checkpoints` because a relay is no read model: a
 * projection rebuild never moves it.
 */
export const migration: NamedMigration = {
  name: '20261210120000_create_relay_checkpoints',
  async up(knex) {
    await knex.raw(`
      create table relay_checkpoints (
        name             text          primary key,
        commit_position  numeric(20,0) not null,
        prepare_position numeric(20,0) not null,
        updated_at       timestamptz   not null default now()
      )`);
  },
  async down(knex) {
    await knex.raw('drop table if exists relay_checkpoints');
  },
};
