import type { Knex } from 'knex';
import type { Position, RecordedEvent } from '@gw/shared-kernel';
import { alreadyApplied, foldRows, rowProjection, type RowChange } from './row-projection';

interface Counter {
  readonly count: number;
  readonly last: Position;
}

const at = (n: number, streamId: string, type = 'Counted'): RecordedEvent => ({
  id: `event-${n}`,
  type,
  version: 1,
  data: {},
  metadata: { correlationId: 'c', actorId: 'test' },
  occurredAt: new Date(0),
  streamId,
  revision: 0n,
  position: { commit: BigInt(n), prepare: BigInt(n) },
});

const fold = {
  keyOf: (e: RecordedEvent) => e.streamId,
  evolve: (row: Counter | null, e: RecordedEvent): Counter | null => {
    if (alreadyApplied(row?.last, e)) return row;
    if (e.type === 'Deleted') return null;
    return { count: (row?.count ?? 0) + 1, last: e.position };
  },
};

describe('foldRows', () => {
  it('folds each key once per batch, in the order keys were first touched', () => {
    const changes = foldRows(new Map(), [at(1, 'b'), at(2, 'a'), at(3, 'b')], fold);
    expect(changes).toEqual([
      { key: 'b', row: { count: 2, last: { commit: 3n, prepare: 3n } } },
      { key: 'a', row: { count: 1, last: { commit: 2n, prepare: 2n } } },
    ]);
  });

  it('leaves out rows whose value did not change (events already applied)', () => {
    const current = new Map([['a', { count: 5, last: { commit: 9n, prepare: 9n } }]]);
    expect(foldRows(current, [at(3, 'a'), at(9, 'a')], fold)).toEqual([]);
    expect(current.get('a')).toEqual({ count: 5, last: { commit: 9n, prepare: 9n } });
  });

  it('reports a deleted row as null, and ignores deleting a row that never existed', () => {
    const current = new Map([['a', { count: 1, last: { commit: 1n, prepare: 1n } }]]);
    expect(foldRows(current, [at(2, 'a', 'Deleted'), at(3, 'x', 'Deleted')], fold)).toEqual([
      { key: 'a', row: null },
    ]);
  });
});

describe('alreadyApplied', () => {
  it('is true at or before the last applied position and false after it or without one', () => {
    const last = { commit: 5n, prepare: 5n };
    expect(alreadyApplied(last, at(5, 's'))).toBe(true);
    expect(alreadyApplied(last, at(4, 's'))).toBe(true);
    expect(alreadyApplied(last, at(6, 's'))).toBe(false);
    expect(alreadyApplied(null, at(0, 's'))).toBe(false);
  });
});

describe('rowProjection', () => {
  it('loads the touched keys once, folds the handled events and saves only the changes', async () => {
    const loads: string[][] = [];
    const saves: RowChange<Counter>[][] = [];
    const projection = rowProjection<Counter>({
      name: 'counters',
      version: 2,
      table: 'counters',
      handles: new Set(['Counted', 'Deleted']),
      ...fold,
      load: (_trx, keys) => {
        loads.push([...keys]);
        return Promise.resolve(new Map([['a', { count: 10, last: { commit: 1n, prepare: 1n } }]]));
      },
      save: (_trx, changes) => {
        saves.push([...changes]);
        return Promise.resolve();
      },
    });
    const trx = {} as Knex.Transaction;

    await projection.apply(trx, [at(1, 'a'), at(2, 'a'), at(3, 'b', 'Ignored'), at(4, 'c')]);

    expect(projection).toMatchObject({ name: 'counters', version: 2, tables: ['counters'] });
    expect(loads).toEqual([['a', 'c']]);
    expect(saves).toEqual([
      [
        { key: 'a', row: { count: 11, last: { commit: 2n, prepare: 2n } } },
        { key: 'c', row: { count: 1, last: { commit: 4n, prepare: 4n } } },
      ],
    ]);
  });
});
