import { InMemoryEventStore } from './adapters/in-memory/in-memory-event-store';
import { scanLog } from './log-scan';
import { anEvent, newStreamId } from './testing/contract-fixtures';

describe('scanLog on a store without its own (readAll)', () => {
  it('pages through the events of the types asked, every one whole', async () => {
    const store = new InMemoryEventStore();
    for (const type of ['A', 'B', 'A', 'C', 'A'])
      await store.append({ streamId: newStreamId('scan'), events: [anEvent({ type, data: { type } })] });
    const first = await scanLog(store, { eventTypes: ['A', 'C'], scanCount: 3 });
    expect(first.events.map((e) => e.type)).toEqual(['A', 'A', 'C']);
    expect(first.events.every((e) => e.event?.type === e.type && e.event.data === e.data)).toBe(true);
    expect(first.end).toBe(false);
    const second = await scanLog(store, { after: first.last!, eventTypes: ['A', 'C'], scanCount: 3 });
    expect(second.events.map((e) => e.type)).toEqual(['A']);
    expect(second.end).toBe(true);
  });
});
