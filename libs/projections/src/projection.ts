import type { Knex } from 'knex';
import type { RecordedEvent } from '@gw/shared-kernel';

/**
 * A read-model writer driven by the event log (STYLE.md §5). The runtime calls `apply` once per delivered
 * batch, inside the transaction that also moves the projection's checkpoint, so the read model and the
 * checkpoint always move together.
 */
export interface Projection {
  /** Stable name; with `version` it keys the checkpoint row. */
  readonly name: string;
  /** Bump it (with new `<table>_v2` tables) to replay from the beginning into a new shape. */
  readonly version: number;
  /** The read-model tables this projection alone fills: a rebuild empties them. */
  readonly tables: readonly string[];
  /**
   * Event types `apply` cares about. Other events are not passed to `apply` but still advance the
   * checkpoint. Absent: every event.
   */
  readonly handles?: ReadonlySet<string>;
  /**
   * Writes the effect of `events` (in global order, never empty) using only `trx`: on PGlite the outer
   * knex would wait for the one connection this transaction holds. Throwing rolls the whole batch back.
   * Should be idempotent (store the last applied position on each row, skip events at or before it).
   */
  apply(trx: Knex.Transaction, events: readonly RecordedEvent[]): Promise<void>;
}

/** Name and version: what a checkpoint and a dead letter belong to. */
export interface ProjectionId {
  readonly name: string;
  readonly version: number;
}

export const describeProjection = ({ name, version }: ProjectionId): string => `${name}@v${version}`;

/** The events of a batch the projection wants to see. */
export const eventsFor = (
  projection: Projection,
  events: readonly RecordedEvent[],
): readonly RecordedEvent[] => {
  const handles = projection.handles;
  return handles ? events.filter((e) => handles.has(e.type)) : events;
};

/** Throws on a projection the runtime cannot key or rebuild safely. */
export function assertValidProjection(projection: Projection): void {
  if (!/^[A-Za-z0-9_.:-]+$/.test(projection.name)) {
    throw new Error(
      `Projection name must be non-empty and use only letters, digits and _.:- : "${projection.name}"`,
    );
  }
  if (!Number.isInteger(projection.version) || projection.version < 1) {
    throw new Error(
      `Projection ${projection.name}: version must be an integer >= 1, got ${projection.version}`,
    );
  }
  if (new Set(projection.tables).size !== projection.tables.length) {
    throw new Error(`Projection ${projection.name}: tables are listed twice`);
  }
}
