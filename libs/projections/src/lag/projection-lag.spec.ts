import { InMemoryEventStore, toNewEvents } from '@gw/eventstore';
import { measureProjectionLag } from './projection-lag';

const metadata = { correlationId: 'c', actorId: 'test', actorKind: 'system' } as const;
const event = (type: string, iso: string) => toNewEvents([{ type, data: {} }], metadata, new Date(iso));
const now = () => Date.parse('2025-01-01T00:00:30Z');

describe('measureProjectionLag', () => {
  async function logOfThree() {
    const store = new InMemoryEventStore();
    await store.append({ streamId: 'tick-1', events: event('Tick', '2025-01-01T00:00:00Z') });
    await store.append({ streamId: 'tick-1', events: event('Tock', '2025-01-01T00:00:10Z') });
    await store.append({ streamId: 'tick-1', events: event('Tick', '2025-01-01T00:00:20Z') });
    return { store, log: await store.readAll() };
  }

  it('is the age of the oldest event after the checkpoint, and 0 when caught up', async () => {
    const { store, log } = await logOfThree();
    const [first, second, third] = log;
    const lag = await measureProjectionLag(
      store,
      [
        { name: 'fresh', checkpoint: null },
        { name: 'middle', checkpoint: first!.position },
        { name: 'almost', checkpoint: second!.position },
        { name: 'done', checkpoint: third!.position },
      ],
      now,
    );
    expect(lag).toEqual([
      { projection: 'fresh', seconds: 30 },
      { projection: 'middle', seconds: 20 },
      { projection: 'almost', seconds: 10 },
      { projection: 'done', seconds: 0 },
    ]);
  });

  it('with eventTypes, counts only those: events of other types do not hold the checkpoint back', async () => {
    const { store, log } = await logOfThree();
    const [first, , third] = log;
    const lag = await measureProjectionLag(
      store,
      [
        // Read the Tick at 0 s; the Tock after it is not the subject's, the Tick at 20 s is.
        { name: 'ticks', checkpoint: first!.position, eventTypes: ['Tick'] },
        { name: 'tocks-done', checkpoint: log[1]!.position, eventTypes: ['Tock'] },
        { name: 'ticks-done', checkpoint: third!.position, eventTypes: ['Tick'] },
      ],
      now,
    );
    expect(lag).toEqual([
      { projection: 'ticks', seconds: 10 },
      { projection: 'tocks-done', seconds: 0 },
      { projection: 'ticks-done', seconds: 0 },
    ]);
  });

  it('is never negative when an event carries a time ahead of the clock', async () => {
    const store = new InMemoryEventStore();
    await store.append({ streamId: 'tick-1', events: event('Tick', '2025-01-01T00:01:00Z') });
    expect(await measureProjectionLag(store, [{ name: 'p', checkpoint: null }], now)).toEqual([
      { projection: 'p', seconds: 0 },
    ]);
  });
});
