import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { EventStore } from '@gw/eventstore';
import { measureProjectionLag, ProjectionRunnerGroup } from '@gw/projections';
import type { Position } from '@gw/shared-kernel';
import { readModelProjections } from '@gw/platform';
import type { GatewayMetrics } from '../metrics/gateway-metrics';

const PROJECTION_BATCH_DELAY_MS = 50;

export interface ProjectionHost {
  waitFor(position: Position, options?: { timeoutMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

/** Embedded mode: the projections run inside the gateway process. */
export async function startInProcessProjections(
  store: EventStore,
  knex: Knex,
  metrics: GatewayMetrics,
  logger: Logger,
): Promise<ProjectionHost> {
  const group = new ProjectionRunnerGroup(readModelProjections, {
    eventStore: store,
    db: knex,
    logger,
    // In-process projections share the event loop (and, embedded, PGlite) with the chat path: let
    // appends gather for a moment so a burst costs one read-model transaction, not one per request.
    liveBatchDelayMs: PROJECTION_BATCH_DELAY_MS,
  });
  await group.start();
  metrics.trackProjectionLag(() => measureProjectionLag(store, group.runners));
  return group;
}
