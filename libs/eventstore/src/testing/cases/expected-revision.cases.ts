import { ConcurrencyError } from '@gw/shared-kernel';
import { WrongExpectedRevisionError } from '../../event-store.errors';
import type { AppendResult } from '../../event-store.port';
import { ids, newStreamId, revisions, someEvents, type ContractContext } from '../contract-fixtures';

const settled = <T>(promises: Promise<T>[]): Promise<PromiseSettledResult<T>[]> =>
  Promise.allSettled(promises);

const winners = (outcomes: PromiseSettledResult<AppendResult>[]): number =>
  outcomes.filter((o) => o.status === 'fulfilled').length;

const losers = (outcomes: PromiseSettledResult<AppendResult>[]): unknown[] =>
  outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));

export function expectedRevisionCases(ctx: ContractContext): void {
  it("'any' appends to a new and to an existing stream", async () => {
    const store = ctx.store();
    const streamId = newStreamId();

    const first = await store.append({ streamId, events: someEvents(1), expectedRevision: 'any' });
    const second = await store.append({ streamId, events: someEvents(1), expectedRevision: 'any' });

    expect([first.nextRevision, second.nextRevision]).toEqual([0n, 1n]);
  });

  it("'no_stream' creates a stream and is refused once the stream exists", async () => {
    const store = ctx.store();
    const streamId = newStreamId();
    const created = await store.append({ streamId, events: someEvents(1), expectedRevision: 'no_stream' });

    const again = store.append({ streamId, events: someEvents(1), expectedRevision: 'no_stream' });

    expect(created.nextRevision).toBe(0n);
    await expect(again).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(again).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(again).rejects.toMatchObject({ code: 'EVENTSTORE.WRONG_EXPECTED_REVISION' });
    expect(await store.readStream(streamId)).toHaveLength(1);
  });

  it("'stream_exists' is refused on a missing stream and appends to an existing one", async () => {
    const store = ctx.store();
    const streamId = newStreamId();

    await expect(
      store.append({ streamId, events: someEvents(1), expectedRevision: 'stream_exists' }),
    ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(await store.readStream(streamId)).toEqual([]);

    await store.append({ streamId, events: someEvents(1) });
    const result = await store.append({ streamId, events: someEvents(1), expectedRevision: 'stream_exists' });
    expect(result.nextRevision).toBe(1n);
  });

  it('an exact revision appends when it matches and is refused when stale or ahead', async () => {
    const store = ctx.store();
    const streamId = newStreamId();
    await store.append({ streamId, events: someEvents(1) });

    const matched = await store.append({ streamId, events: someEvents(1, 'B'), expectedRevision: 0n });
    const stale = store.append({ streamId, events: someEvents(1, 'C'), expectedRevision: 0n });
    const ahead = store.append({ streamId, events: someEvents(1, 'D'), expectedRevision: 5n });

    expect(matched.nextRevision).toBe(1n);
    await expect(stale).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(ahead).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect((await store.readStream(streamId)).map((e) => e.type)).toEqual(['Event0', 'B0']);
  });

  it('an empty append checks the expectation and writes nothing', async () => {
    const store = ctx.store();
    const streamId = newStreamId();

    const missing = await store.append({ streamId, events: [], expectedRevision: 'no_stream' });
    await store.append({ streamId, events: someEvents(1) });
    const present = await store.append({ streamId, events: [], expectedRevision: 0n });

    expect(missing.nextRevision).toBe(-1n);
    expect(present.nextRevision).toBe(0n);
    await expect(store.append({ streamId, events: [], expectedRevision: 3n })).rejects.toBeInstanceOf(
      WrongExpectedRevisionError,
    );
    expect(await store.readStream(streamId)).toHaveLength(1);
  });

  it('of concurrent appends expecting the same revision exactly one wins', async () => {
    const store = ctx.store();
    const streamId = newStreamId();
    await store.append({ streamId, events: someEvents(1) });
    const attempts = Array.from({ length: 8 }, (_, i) => someEvents(2, `Try${i}-`));

    const outcomes = await settled(
      attempts.map((events) => store.append({ streamId, events, expectedRevision: 0n })),
    );

    expect(winners(outcomes)).toBe(1);
    expect(losers(outcomes)).toHaveLength(7);
    for (const error of losers(outcomes)) expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    const read = await store.readStream(streamId);
    const winner = attempts[outcomes.findIndex((o) => o.status === 'fulfilled')]!;
    expect(ids(read.slice(1))).toEqual(ids(winner));
    expect(revisions(read)).toEqual([0n, 1n, 2n]);
  });

  it("of concurrent 'no_stream' appends exactly one creates the stream", async () => {
    const store = ctx.store();
    const streamId = newStreamId();

    const outcomes = await settled(
      Array.from({ length: 6 }, () =>
        store.append({ streamId, events: someEvents(1), expectedRevision: 'no_stream' }),
      ),
    );

    expect(winners(outcomes)).toBe(1);
    for (const error of losers(outcomes)) expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(await store.readStream(streamId)).toHaveLength(1);
  });

  it("concurrent 'any' appends to one stream all land, with contiguous revisions", async () => {
    const store = ctx.store();
    const streamId = newStreamId();
    const appends = Array.from({ length: 10 }, (_, i) => someEvents(1, `Any${i}-`));

    const results = await Promise.all(appends.map((events) => store.append({ streamId, events })));
    const read = await store.readStream(streamId);

    expect(revisions(read)).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(i)));
    expect(new Set(ids(read))).toEqual(new Set(appends.flatMap(ids)));
    expect(new Set(results.map((r) => r.nextRevision)).size).toBe(10);
  });
}
