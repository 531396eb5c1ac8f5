import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@gw/shared-kernel';
import { verifyChain } from '../../chain/event-chain';
import { TEST_CHAIN_KEY, anEvent, newStreamId, someEvents, type ContractContext } from '../contract-fixtures';

const key = TEST_CHAIN_KEY;

/** The same event with one part of it changed, as a tampered row would read back. */
const tamperings: ReadonlyArray<[string, (e: RecordedEvent) => RecordedEvent]> = [
  ['data', (e) => ({ ...e, data: { ...(e.data as object), i: 99 } })],
  ['type', (e) => ({ ...e, type: `${e.type}X` })],
  ['metadata', (e) => ({ ...e, metadata: { ...e.metadata, actorId: 'someone-else' } })],
  ['occurredAt', (e) => ({ ...e, occurredAt: new Date(e.occurredAt.getTime() + 1) })],
  ['version', (e) => ({ ...e, version: e.version + 1 })],
  ['stream', (e) => ({ ...e, streamId: `${e.streamId}x` })],
  [
    'hash',
    (e) => ({
      ...e,
      metadata: { ...e.metadata, chain: { prev: e.metadata.chain!.prev, hash: '0'.repeat(64) } },
    }),
  ],
];

export function chainCases(ctx: ContractContext): void {
  it('lists the streams of a category in pages, in code point order', async () => {
    const store = ctx.store();
    const category = `audit${randomUUID().replace(/-/g, '')}`;
    const streams = ['b', 'a', 'c', 'B', '_x'].map((s) => `${category}-${s}`);
    for (const streamId of streams) await store.append({ streamId, events: someEvents(2) });
    await store.append({ streamId: `${category}x-other`, events: someEvents(1) });

    const sorted = [...streams].sort();
    expect(await store.listStreams({ prefix: `${category}-` })).toEqual(sorted);
    const first = await store.listStreams({ prefix: `${category}-`, limit: 2 });
    const second = await store.listStreams({ prefix: `${category}-`, limit: 10, after: first[1] });
    expect([...first, ...second]).toEqual(sorted);
    expect(await store.listStreams({ prefix: `${category}_` })).toEqual([]);
  });

  it('chains every event to the one before it, across appends of every kind', async () => {
    const store = ctx.store();
    const streamId = newStreamId();
    const other = newStreamId();
    await store.append({ streamId, events: someEvents(2, 'First'), expectedRevision: 'no_stream' });
    await store.append({ streamId, events: someEvents(1, 'Exact'), expectedRevision: 1n });
    await store.append({ streamId, events: someEvents(1, 'Any') });
    await store.appendMany([
      { streamId, events: someEvents(2, 'BatchA'), expectedRevision: 'stream_exists' },
      { streamId: other, events: someEvents(1, 'Other'), expectedRevision: 'no_stream' },
      { streamId, events: someEvents(1, 'BatchB') },
    ]);

    const events = await store.readStream(streamId);
    expect(events.map((e) => e.type)).toEqual([
      'First0',
      'First1',
      'Exact0',
      'Any0',
      'BatchA0',
      'BatchA1',
      'BatchB0',
    ]);
    expect(verifyChain(events, { key })).toMatchObject({
      verified: true,
      events: 7,
      firstBreak: null,
      keyedLinks: 7,
      unkeyedLinks: 0,
    });
    expect(events.every((e) => e.metadata.chain!.alg === 'hmac-sha256')).toBe(true);
    expect(verifyChain(events).firstBreak).toEqual({ revision: 0n, reason: 'key_unavailable' });
    expect(events[0]!.metadata.chain!.prev).toBeNull();
    events.slice(1).forEach((e, i) => expect(e.metadata.chain!.prev).toBe(events[i]!.metadata.chain!.hash));
    expect(events.every((e) => /^[0-9a-f]{64}$/.test(e.metadata.chain!.hash))).toBe(true);
    expect(verifyChain(await store.readStream(other), { key })).toMatchObject({
      verified: true,
      events: 1,
      firstBreak: null,
    });
  });

  it('gives the same events in two streams different hashes, and an idempotent re-append keeps its chain', async () => {
    const store = ctx.store();
    const [a, b] = [newStreamId(), newStreamId()];
    const event = anEvent();
    await store.append({ streamId: a, events: [event] });
    await store.append({ streamId: b, events: [{ ...event, id: anEvent().id }] });
    const before = await store.readStream(a);
    await store.append({ streamId: a, events: [event] });

    const [[ofA], [ofB]] = [await store.readStream(a), await store.readStream(b)];
    expect(ofA!.metadata.chain!.hash).not.toBe(ofB!.metadata.chain!.hash);
    expect(await store.readStream(a)).toEqual(before);
  });

  it('reports the revision of an event whose content, place or hash was changed', async () => {
    const store = ctx.store();
    const streamId = newStreamId();
    await store.append({ streamId, events: someEvents(4) });
    const events = await store.readStream(streamId);

    for (const [what, tamper] of tamperings) {
      const changed = events.map((e) => (e.revision === 2n ? tamper(e) : e));
      expect([what, verifyChain(changed, { key }).firstBreak?.revision]).toEqual([what, 2n]);
    }
    expect(verifyChain([...events.slice(0, 1), ...events.slice(2)], { key }).firstBreak).toEqual({
      revision: 2n,
      reason: 'revision_gap',
    });
    const [first, second] = [events[0]!, events[1]!];
    expect(
      verifyChain([first, { ...second, metadata: { ...second.metadata, chain: undefined } }], { key })
        .firstBreak,
    ).toEqual({ revision: 1n, reason: 'missing_link' });
  });
}
