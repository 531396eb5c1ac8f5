import type { Knex } from 'knex';
import type { Projection } from '@gw/projections';
import type { RecordedEvent } from '@gw/shared-kernel';
import { PROVIDER_HEALTH_EVENT_TYPES, type ProviderHealthEvent } from '../../domain/provider-health.events';

export const PROVIDER_HEALTH_TIMELINE_TABLE = 'provider_health_timeline';

/** One row per health change; the event's position is the key, so a replay inserts nothing twice. */
async function apply(trx: Knex.Transaction, events: readonly RecordedEvent[]): Promise<void> {
  const rows = events
    .filter((e) => PROVIDER_HEALTH_EVENT_TYPES.has(e.type))
    .map((recorded) => {
      const e = { type: recorded.type, data: recorded.data } as ProviderHealthEvent;
      return {
        provider: e.data.provider,
        commit_position: recorded.position.commit.toString(),
        prepare_position: recorded.position.prepare.toString(),
        kind: e.type === 'ProviderDegraded' ? 'degraded' : 'recovered',
        reason: e.data.reason,
        details: JSON.stringify(e.data),
        at: e.data.at,
      };
    });
  if (rows.length > 0)
    await trx(PROVIDER_HEALTH_TIMELINE_TABLE)
      .insert(rows)
      .onConflict(['commit_position', 'prepare_position'])
      .ignore();
}

/** provider_health_timeline: GET /api/v1/admin/providers/:slug/health. */
export const providerHealthTimelineProjection: Projection = {
  name: 'provider-health-timeline',
  version: 1,
  tables: [PROVIDER_HEALTH_TIMELINE_TABLE],
  handles: PROVIDER_HEALTH_EVENT_TYPES,
  apply,
};
