import type { NamedMigration } from '@gw/database';

/**
 * Bookkeeping of the projection runtime (libs/projections).
 *
 * `projection_checkpoints`: one row per projection and version, written in the same transaction as the
 * projection's read-model rows. Positions are numeric(20,0) so that any 64-bit position fits (EventStoreDB
 * positions are unsigned; the Postgres adapter uses xid8 and a bigint sequence) and -1 can mean "start".
 *
 * `projection_dead_letters`: events a projection failed to apply after every retry; the checkpoint moved
 * past them in the same transaction that recorded them here.
 */
export const migration: NamedMigration = {
  name: '20261123120100_create_projection_checkpoints',
  async up(knex) {
    await knex.raw(`
      create table projection_checkpoints (
        name             text          not null,
        version          integer       not null,
        commit_position  numeric(20,0) not null,
        prepare_position numeric(20,0) not null,
        updated_at       timestamptz   not null default now(),
        constraint projection_checkpoints_pkey primary key (name, version)
      )`);
    await knex.raw(`
      create table projection_dead_letters (
        id                 bigint        generated always as identity primary key,
        projection         text          not null,
        projection_version integer       not null,
        commit_position    numeric(20,0) not null,
        prepare_position   numeric(20,0) not null,
        event_id           text          not null,
        event_type         text          not null,
        stream_id          text          not null,
        error              text          not null,
        attempts           integer       not null,
        dead_lettered_at   timestamptz   not null default now(),
        constraint projection_dead_letters_event_key unique (projection, projection_version, event_id)
      )`);
  },
  async down(knex) {
    await knex.raw('drop table if exists projection_dead_letters');
    await knex.raw('drop table if exists projection_checkpoints');
  },
};
