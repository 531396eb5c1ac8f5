import type { NamedMigration } from '@gw/database';

/**
 * The Postgres event store's log (libs/eventstore/src/adapters/postgres).
 *
 * `global_position` comes from a sequence, but transactions commit out of order, so readers order by
 * (transaction_id, global_position) and only read rows whose transaction_id is below the oldest
 * transaction still in flight (`pg_snapshot_xmin(pg_current_snapshot())`). See the adapter's README.
 *
 * Payloads are `json`, not `jsonb`: the log keeps the exact text it was given, writes are cheaper (no
 * binary conversion on the hot path), and nothing queries inside payloads in SQL — that is what the
 * read models are for.
 */
export const migration: NamedMigration = {
  name: '20261123120000_create_event_store',
  async up(knex) {
    await knex.raw(`
      create table events (
        global_position bigint generated always as identity primary key,
        transaction_id  xid8        not null default pg_current_xact_id(),
        event_id        uuid        not null,
        stream_id       text        not null,
        stream_revision bigint      not null,
        type            text        not null,
        version         integer     not null,
        data            json        not null,
        metadata        json        not null,
        occurred_at     timestamptz not null,
        constraint events_event_id_key unique (event_id),
        constraint events_stream_revision_key unique (stream_id, stream_revision),
        constraint events_stream_revision_check check (stream_revision >= 0)
      )`);
    await knex.raw(
      'create index events_transaction_position_idx on events (transaction_id, global_position)',
    );
  },
  async down(knex) {
    await knex.raw('drop table if exists events');
  },
};
