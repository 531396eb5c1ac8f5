import fc from 'fast-check';
import type { NewEvent, RecordedEvent } from '@gw/shared-kernel';
import { chainEvents, eventHash, verifyChain } from './event-chain';
import { anEvent } from '../testing/contract-fixtures';

const recorded = (events: readonly NewEvent[], streamId: string): RecordedEvent[] =>
  chainEvents(events, streamId, 0n, null).map((e, i) => ({
    ...e,
    streamId,
    revision: BigInt(i),
    position: { commit: BigInt(i), prepare: BigInt(i) },
  }));

/** What every store hands back: data and metadata through JSON text. */
const readBack = (e: RecordedEvent): RecordedEvent => ({
  ...e,
  data: JSON.parse(JSON.stringify(e.data ?? null)) as unknown,
  metadata: JSON.parse(JSON.stringify(e.metadata)) as RecordedEvent['metadata'],
  occurredAt: new Date(e.occurredAt.toISOString()),
});

describe('eventHash', () => {
  it('is the same for an event and for what a store reads back from JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), (data, actorId) => {
        const [event] = recorded(
          [anEvent({ data, metadata: { correlationId: 'c', actorId, causationId: undefined } })],
          's-1',
        );
        expect(verifyChain([readBack(event!)])).toMatchObject({ verified: true });
      }),
      { numRuns: 300 },
    );
  });

  it('covers the place, the envelope, the metadata and the data', () => {
    const event = anEvent({ data: { a: 1 } });
    const base = eventHash(event, 's-1', 0n, null);
    const variants = [
      eventHash(event, 's-2', 0n, null),
      eventHash(event, 's-1', 1n, null),
      eventHash(event, 's-1', 0n, 'a'.repeat(64)),
      eventHash({ ...event, type: 'Other' }, 's-1', 0n, null),
      eventHash({ ...event, version: 2 }, 's-1', 0n, null),
      eventHash({ ...event, occurredAt: new Date(event.occurredAt.getTime() + 1) }, 's-1', 0n, null),
      eventHash({ ...event, metadata: { ...event.metadata, actorId: 'x' } }, 's-1', 0n, null),
      eventHash({ ...event, data: { a: 2 } }, 's-1', 0n, null),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
    // Upper-case ids (the in-memory store keeps them as given) hash as Postgres returns them.
    expect(eventHash({ ...event, id: event.id.toUpperCase() }, 's-1', 0n, null)).toBe(base);
    // The chain link itself is not hashed: re-chaining an event read back gives the same hash.
    expect(
      eventHash(
        { ...event, metadata: { ...event.metadata, chain: { prev: null, hash: base } } },
        's-1',
        0n,
        null,
      ),
    ).toBe(base);
  });
});

describe('chainEvents and verifyChain', () => {
  it('verifies a chain it made, and leaves the caller’s events alone', () => {
    const events = [anEvent(), anEvent(), anEvent()];
    const chained = recorded(events, 's-1');
    expect(events.every((e) => e.metadata.chain === undefined)).toBe(true);
    expect(verifyChain(chained)).toEqual({ verified: true, events: 3, firstBreak: null });
    expect(verifyChain([])).toEqual({ verified: true, events: 0, firstBreak: null });
  });

  it('hands back each metadata as the JSON text JSON.stringify gives for the chained event', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.option(fc.constant({ prev: null, hash: 'stale' })),
        (extra, chain) => {
          const metadata = { ...extra, correlationId: 'c', actorId: 'a', ...(chain && { chain }) };
          const json: string[] = [];
          const chained = chainEvents([anEvent({ metadata }), anEvent()], 's-1', 0n, null, undefined, json);
          expect(json).toEqual(chained.map((e) => JSON.stringify(e.metadata)));
        },
      ),
    );
  });

  it('finds a stream that does not start at prev = null', () => {
    const events = recorded([anEvent(), anEvent()], 's-1');
    const first = events[0]!;
    const moved = { ...first, metadata: { ...first.metadata, chain: { prev: 'ab'.repeat(32), hash: 'x' } } };
    expect(verifyChain([moved, ...events.slice(1)]).firstBreak).toEqual({
      revision: 0n,
      reason: 'prev_mismatch',
    });
  });
});
