import { IllegalStateError, type Decider, type DomainEvent } from '@gw/shared-kernel';
import { InMemoryEventStore } from '../adapters/in-memory/in-memory-event-store';
import type { AppendRequest, AppendResult } from '../event-store.port';
import { handleCommand } from './handle-command';

type Counted = DomainEvent<'Counted', { n: number }>;
type Count = { type: 'Count'; max: number };
const counter: Decider<Count, Counted, number> = {
  initialState: () => 0,
  evolve: (s, e) => s + e.data.n,
  decide: (c, s) => {
    if (s >= c.max) throw new IllegalStateError('TEST.FULL', 'full');
    return [{ type: 'Counted', data: { n: 1 } }];
  },
};
const ctx = { metadata: { correlationId: 'c', actorId: 't' }, now: new Date() };

describe('handleCommand', () => {
  it('folds the stream, decides, appends with the expected revision, and returns the new version', async () => {
    const store = new InMemoryEventStore();
    expect((await handleCommand(store, 'c-1', counter, { type: 'Count', max: 5 }, ctx)).version).toBe(0n);
    expect((await handleCommand(store, 'c-1', counter, { type: 'Count', max: 5 }, ctx)).version).toBe(1n);
    const events = await store.readStream('c-1');
    expect(events.map((e) => e.metadata)).toEqual(
      [ctx.metadata, ctx.metadata].map((m) => ({ ...m, chain: expect.any(Object) })),
    );
  });

  it('retries the decision when another writer got there first', async () => {
    class RacingStore extends InMemoryEventStore {
      raced = false;
      override async append(request: AppendRequest): Promise<AppendResult> {
        if (!this.raced) {
          this.raced = true;
          await super.append({
            streamId: request.streamId,
            events: [{ ...request.events[0]!, id: crypto.randomUUID() }],
          });
        }
        return super.append(request);
      }
    }
    const store = new RacingStore();
    await handleCommand(store, 'c-2', counter, { type: 'Count', max: 5 }, ctx);
    expect(await store.readStream('c-2')).toHaveLength(2);
  });

  it('lets domain errors through without appending', async () => {
    const store = new InMemoryEventStore();
    await expect(handleCommand(store, 'c-3', counter, { type: 'Count', max: 0 }, ctx)).rejects.toBeInstanceOf(
      IllegalStateError,
    );
    expect(await store.readStream('c-3')).toEqual([]);
  });
});
