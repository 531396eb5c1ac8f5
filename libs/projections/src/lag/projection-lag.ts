import type { EventStore } from '@gw/eventstore';
import type { Position } from '@gw/shared-kernel';

/** What the lag needs of a reader of the log (a projection runner, the Kafka relay): its name and progress. */
export interface LagSubject {
  readonly name: string;
  /** The position it has applied (or published) up to; null before its first event. */
  readonly checkpoint: Position | null;
  /**
   * The event types it reads, for a reader subscribed to a few types (the relay): its checkpoint only
   * moves on those, so only those count as not yet applied. Absent: every event (a projection runner,
   * whose checkpoint moves over the events it ignores too).
   */
  readonly eventTypes?: readonly string[];
}

export interface ProjectionLagSample {
  /** The subject's name. */
  readonly projection: string;
  /** Age of the oldest event the subject has not applied yet; 0 when caught up. */
  readonly seconds: number;
}

/**
 * Age of the oldest event each subject has not applied yet (0 when caught up), read at scrape time:
 * one read of at most one event per subject, never on the request path. `now` is the clock in ms.
 */
export async function measureProjectionLag(
  store: EventStore,
  subjects: readonly LagSubject[],
  now: () => number = Date.now,
): Promise<ProjectionLagSample[]> {
  return Promise.all(
    subjects.map(async (s) => {
      const [next] = await store.readAll({
        after: s.checkpoint ?? undefined,
        maxCount: 1,
        ...(s.eventTypes && { eventTypes: s.eventTypes }),
      });
      return { projection: s.name, seconds: next ? lagSeconds(next.occurredAt, now()) : 0 };
    }),
  );
}

/** Seconds from `occurredAt` to `nowMs`, never negative (a writer's clock may run ahead of ours). */
const lagSeconds = (occurredAt: Date, nowMs: number): number =>
  Math.max(0, (nowMs - occurredAt.getTime()) / 1000);
