import { comparePositions, type RecordedEvent } from '@gw/shared-kernel';
import {
  expectStrictlyIncreasing,
  ids,
  mine,
  newStreamId,
  someEvents,
  waitUntilVisible,
  type ContractContext,
} from '../contract-fixtures';

export function readAllCases(ctx: ContractContext): void {
  /** Appends a, b to s1, c to s2, d to s1 and waits until all four are visible. */
  const appendFour = async () => {
    const store = ctx.store();
    const [s1, s2] = [newStreamId(), newStreamId()];
    const start = await ctx.start();
    const [ab, c, d] = [someEvents(2, 'AB'), someEvents(1, 'C'), someEvents(1, 'D')];
    await store.append({ streamId: s1, events: ab });
    await store.append({ streamId: s2, events: c });
    const last = await store.append({ streamId: s1, events: d });
    await waitUntilVisible(store, last.position, ctx.options.timeoutMs);
    return { store, start, streams: [s1, s2], expected: [...ab, ...c, ...d], last };
  };

  it('reads everything after a position in global order, once', async () => {
    const { store, start, streams, expected } = await appendFour();

    const read = mine(await store.readAll({ after: start }), streams, ctx.options.isolated);

    expect(ids(read)).toEqual(ids(expected));
    expectStrictlyIncreasing(read.map((e) => e.position));
    const s1 = await store.readStream(streams[0]!);
    for (const e of s1) {
      expect(comparePositions(read.find((r) => r.id === e.id)!.position, e.position)).toBe(0);
    }
  });

  it('treats the position as exclusive', async () => {
    const { store, start, streams, expected, last } = await appendFour();
    const second = (await store.readAll({ after: start })).filter((e) => streams.includes(e.streamId))[1]!;

    const afterSecond = mine(await store.readAll({ after: second.position }), streams, ctx.options.isolated);
    const afterLast = mine(await store.readAll({ after: last.position }), streams, ctx.options.isolated);

    expect(ids(afterSecond)).toEqual(ids(expected.slice(2)));
    expect(afterLast).toEqual([]);
  });

  it('pages with maxCount and the last position, without gaps or duplicates', async () => {
    const { store, start, streams, expected } = await appendFour();
    const pages: RecordedEvent[][] = [];
    let after = start;

    for (;;) {
      const page = await store.readAll({ after, maxCount: 2 });
      if (page.length === 0) break;
      expect(page.length).toBeLessThanOrEqual(2);
      pages.push(page);
      after = page[page.length - 1]!.position;
    }

    expect(ids(mine(pages.flat(), streams, ctx.options.isolated))).toEqual(ids(expected));
    if (ctx.options.isolated) expect(pages.map((p) => p.length)).toEqual([2, 2]);
  });

  it('headPosition is the position of the last appended event', async () => {
    const { store, last } = await appendFour();

    const head = await store.headPosition();

    expect(head).not.toBeNull();
    expect(comparePositions(head!, last.position)).toBe(0);
  });

  ctx.requires('isolated')('a new store has no head and an empty log, and answers ping', async () => {
    const fixture = await ctx.make();
    try {
      await expect(fixture.store.ping()).resolves.toBeUndefined();
      expect(await fixture.store.headPosition()).toBeNull();
      expect(await fixture.store.readAll()).toEqual([]);
      expect(await fixture.store.readAll({ after: { commit: 0n, prepare: 0n } })).toEqual([]);
    } finally {
      await fixture.cleanup();
    }
  });
}
