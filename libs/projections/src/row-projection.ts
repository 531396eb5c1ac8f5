import type { Knex } from 'knex';
import { comparePositions, type Position, type RecordedEvent } from '@gw/shared-kernel';
import type { Projection } from './projection';

/** A row to write (`row`) or delete (`row: null`) after a batch. */
export interface RowChange<TRow> {
  readonly key: string;
  readonly row: TRow | null;
}

/** The pure part of a projection: which row an event touches, and how it changes that row. */
export interface RowFold<TRow, TEvent extends RecordedEvent> {
  readonly keyOf: (event: TEvent) => string;
  /** Pure and total: never throws; returns the same object when nothing changes, null to delete the row. */
  readonly evolve: (row: TRow | null, event: TEvent) => TRow | null;
}

/**
 * A projection written as a pure `(row | null, event) => row | null` plus a thin knex writer
 * (STYLE.md §5): per batch, `load` reads the touched rows once, the batch is folded in memory, and `save`
 * writes only the rows that changed.
 */
export interface RowProjectionDefinition<TRow, TEvent extends RecordedEvent = RecordedEvent> extends RowFold<
  TRow,
  TEvent
> {
  readonly name: string;
  readonly version: number;
  /** The one table this projection writes (a rebuild empties it). */
  readonly table: string;
  readonly handles: ReadonlySet<string>;
  /** Narrows events to TEvent; default: the event's type is in `handles`. */
  readonly accepts?: (event: RecordedEvent) => event is TEvent;
  readonly load: (trx: Knex.Transaction, keys: readonly string[]) => Promise<ReadonlyMap<string, TRow>>;
  readonly save: (trx: Knex.Transaction, changes: readonly RowChange<TRow>[]) => Promise<void>;
}

/**
 * Folds `events` (in order) into the rows they touch. Pure: returns the rows whose value changed, in the
 * order their keys were first touched, and leaves `current` alone.
 */
export function foldRows<TRow, TEvent extends RecordedEvent>(
  current: ReadonlyMap<string, TRow>,
  events: readonly TEvent[],
  { keyOf, evolve }: RowFold<TRow, TEvent>,
): RowChange<TRow>[] {
  const next = new Map<string, TRow | null>();
  for (const event of events) {
    const key = keyOf(event);
    const row = next.has(key) ? next.get(key)! : (current.get(key) ?? null);
    next.set(key, evolve(row, event));
  }
  return [...next]
    .filter(([key, row]) => row !== (current.get(key) ?? null))
    .map(([key, row]) => ({ key, row }));
}

/** For `evolve`: true when the row already holds this event's effect (at or after its position). */
export const alreadyApplied = (lastApplied: Position | null | undefined, event: RecordedEvent): boolean =>
  lastApplied != null && comparePositions(event.position, lastApplied) <= 0;

export function rowProjection<TRow, TEvent extends RecordedEvent = RecordedEvent>(
  definition: RowProjectionDefinition<TRow, TEvent>,
): Projection {
  const accepts =
    definition.accepts ?? ((event: RecordedEvent): event is TEvent => definition.handles.has(event.type));
  return {
    name: definition.name,
    version: definition.version,
    tables: [definition.table],
    handles: definition.handles,
    async apply(trx, events) {
      const relevant = events.filter(accepts);
      if (relevant.length === 0) return;
      const keys = [...new Set(relevant.map(definition.keyOf))];
      const current = await definition.load(trx, keys);
      const changes = foldRows(current, relevant, definition);
      if (changes.length > 0) await definition.save(trx, changes);
    },
  };
}
