import { ValidationError } from '@gw/shared-kernel';
import { DuplicateEventIdError, WrongExpectedRevisionError } from '../../event-store.errors';
import type { AppendRequest } from '../../event-store.port';
import { anEvent, someEvents } from '../../testing/contract-fixtures';
import { lookupKeys, planAppend, validateRequests, type Lookup } from './append-plan';

const position = (n: number) => ({ commit: 100n, prepare: BigInt(n) });
const empty: Lookup = { heads: new Map(), known: new Map() };

describe('planAppend (the group-commit planner)', () => {
  it('chains the revisions of one stream across the requests of a batch', () => {
    const requests: AppendRequest[] = [
      { streamId: 's-1', events: someEvents(2), expectedRevision: 4n },
      { streamId: 's-2', events: someEvents(1), expectedRevision: 'no_stream' },
      { streamId: 's-1', events: someEvents(1), expectedRevision: 6n },
    ];
    const lookup: Lookup = {
      heads: new Map([['s-1', { revision: 4n, position: position(9), hash: null }]]),
      known: new Map(),
    };

    const plan = planAppend(requests, lookup);

    expect(plan.decided.size).toBe(0);
    expect(plan.deferred).toEqual([]);
    expect(plan.rows.map((r) => [r.streamId, r.revision, r.requestIndex])).toEqual([
      ['s-1', 5n, 0],
      ['s-1', 6n, 0],
      ['s-1', 7n, 2],
      ['s-2', 0n, 1],
    ]);
  });

  it('decides failed checks, idempotent re-appends and empty appends without rows', () => {
    const known = anEvent();
    const elsewhere = anEvent();
    const requests: AppendRequest[] = [
      { streamId: 's-1', events: someEvents(1), expectedRevision: 'no_stream' },
      { streamId: 's-1', events: [known] },
      { streamId: 's-3', events: [elsewhere] },
      { streamId: 's-1', events: [], expectedRevision: 2n },
    ];
    const lookup: Lookup = {
      heads: new Map([['s-1', { revision: 2n, position: position(7), hash: null }]]),
      known: new Map([
        [known.id, { streamId: 's-1', revision: 1n, position: position(6) }],
        [elsewhere.id, { streamId: 's-2', revision: 0n, position: position(3) }],
      ]),
    };

    const plan = planAppend(requests, lookup);

    expect(plan.rows).toEqual([]);
    expect(plan.decided.get(0)).toBeInstanceOf(WrongExpectedRevisionError);
    expect(plan.decided.get(1)).toEqual({ nextRevision: 1n, position: position(6) });
    expect(plan.decided.get(2)).toBeInstanceOf(DuplicateEventIdError);
    expect(plan.decided.get(3)).toEqual({ nextRevision: 2n, position: position(7) });
  });

  it('defers a request that reuses ids planned earlier in the batch, and the rest of its stream', () => {
    const events = someEvents(1);
    const requests: AppendRequest[] = [
      { streamId: 's-1', events },
      { streamId: 's-1', events },
      { streamId: 's-1', events: someEvents(1), expectedRevision: 0n },
      { streamId: 's-2', events: someEvents(1) },
      { streamId: 's-2', events: [] },
    ];

    const plan = planAppend(requests, empty);

    expect(plan.deferred).toEqual([1, 2, 4]);
    expect(plan.rows.map((r) => r.requestIndex)).toEqual([0, 3]);
  });

  it('skips requests that failed validation, and looks up only the valid ones', () => {
    const bad = anEvent({ id: 'not-a-uuid' });
    const twice = anEvent();
    const good = anEvent();
    const requests: AppendRequest[] = [
      { streamId: 'bad-1', events: [bad] },
      { streamId: 'twice-1', events: [twice, twice] },
      { streamId: 'good-1', events: [good] },
    ];

    const invalid = validateRequests(requests);
    const keys = lookupKeys(requests, invalid);
    const plan = planAppend(requests, empty, invalid);

    expect(invalid.get(0)).toBeInstanceOf(ValidationError);
    expect(invalid.get(1)).toBeInstanceOf(DuplicateEventIdError);
    expect(keys).toEqual({ streamIds: ['good-1'], eventIds: [good.id] });
    expect(plan.rows.map((r) => r.streamId)).toEqual(['good-1']);
    expect(plan.decided.get(0)).toBe(invalid.get(0));
  });
});
