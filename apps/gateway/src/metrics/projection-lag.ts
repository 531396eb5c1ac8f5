import type { EventStore } from '@gw/eventstore';
import type { Position } from '@gw/shared-kernel';
import type { ProjectionLagSample } from './gateway-metrics';

/** What the lag needs of a projection runner: its name and the position it has applied up to. */
export interface LagSubject {
  readonly name: string;
  readonly checkpoint: Position | null;
}

/**
 * Age of the oldest event each projection has not applied yet (0 when caught up), read at scrape
 * time: one read of at most one event per projection, never on the request path.
 */
export async function measureProjectionLag(
  store: EventStore,
  runners: readonly LagSubject[],
  now: () => number = Date.now,
): Promise<ProjectionLagSample[]> {
  return Promise.all(
    runners.map(async (r) => {
      const [next] = await store.readAll({ after: r.checkpoint ?? undefined, maxCount: 1 });
      const seconds = next ? Math.max(0, (now() - next.occurredAt.getTime()) / 1000) : 0;
      return { projection: r.name, seconds };
    }),
  );
}
