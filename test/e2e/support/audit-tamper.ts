import type { TestGateway } from './test-gateway';

/**
 * Test-only: changes one stored event's data behind the event store's back, the way someone with write
 * access to the database but without the chain key would (adds `"tamperedWith": true` to its data and
 * leaves its chain link as it was), so the audit replay must report that revision as the first broken
 * link. Works on PGlite and PostgreSQL; throws when the stream has no such revision.
 */
export async function corruptStoredEvent(
  gw: Pick<TestGateway, 'gateway'>,
  streamId: string,
  revision: number,
): Promise<void> {
  const { rows } = await gw.gateway.runtime.knex.raw<{ rows: unknown[] }>(
    `update events set data = (data::jsonb || '{"tamperedWith": true}'::jsonb)::json
      where stream_id = ? and stream_revision = ? returning stream_id`,
    [streamId, revision],
  );
  const changed = rows.length;
  if (changed !== 1) throw new Error(`no event ${streamId}@${revision} to corrupt (changed ${changed} rows)`);
}
