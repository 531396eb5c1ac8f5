import { randomUUID } from 'node:crypto';
import { InMemoryEventStore } from '@gw/eventstore';
import type { NewEvent } from '@gw/shared-kernel';
import { eventually } from '@gw/shared-kernel/testing';
import { InMemoryPublisher, loadKafkaSchemas, sampleDomainEvents, streamOf } from '../testing';
import { PUBLISHED_EVENT_TYPES } from '../contracts/event-mapping';
import { EventRelay, type RelayLogger } from './event-relay';
import { InMemoryRelayCheckpoints } from './relay-checkpoints';

const logs: Array<{ level: string; message: string; context: Readonly<Record<string, unknown>> }> = [];
const logger: RelayLogger = {
  info: (context, message) => logs.push({ level: 'info', message, context }),
  warn: (context, message) => logs.push({ level: 'warn', message, context }),
  error: (context, message) => logs.push({ level: 'error', message, context }),
};

async function appendAll(store: InMemoryEventStore, events: readonly NewEvent[]): Promise<void> {
  for (const event of events) await store.append({ streamId: streamOf(event), events: [event] });
}

describe('EventRelay (in-memory store and publisher)', () => {
  let store: InMemoryEventStore;
  let publisher: InMemoryPublisher;
  let checkpoints: InMemoryRelayCheckpoints;
  const relays: EventRelay[] = [];
  const relay = (maxBatchSize = 256): EventRelay => {
    const r = new EventRelay({
      eventStore: store,
      checkpoints,
      publisher,
      logger,
      maxBatchSize,
      backoff: { initialDelayMs: 1, maxDelayMs: 5 },
    });
    relays.push(r);
    return r;
  };
  /** Until the relay has checkpointed the last event it publishes (the store filters the others out). */
  const caughtUp = async (r: EventRelay): Promise<void> => {
    const last = (await store.readAll({ eventTypes: PUBLISHED_EVENT_TYPES })).at(-1);
    if (last) await r.waitFor(last.position);
  };

  beforeEach(() => {
    store = new InMemoryEventStore();
    publisher = new InMemoryPublisher();
    checkpoints = new InMemoryRelayCheckpoints();
    logs.length = 0;
  });
  afterEach(async () => {
    for (const r of relays.splice(0)) await r.stop();
  });

  it('publishes every published type once, in log order, and checkpoints the last event', async () => {
    const events = sampleDomainEvents();
    await appendAll(store, events);
    const r = relay();
    await r.start();
    await caughtUp(r);

    const published = events.filter((e) => PUBLISHED_EVENT_TYPES.includes(e.type));
    expect(publisher.acknowledged.map((m) => m.value.eventId)).toEqual(published.map((e) => e.id));
    expect(checkpoints.position).toEqual(
      (await store.readAll({ eventTypes: PUBLISHED_EVENT_TYPES })).at(-1)!.position,
    );
    const schemas = loadKafkaSchemas();
    expect(publisher.broker.allMessages().flatMap((m) => schemas.check(m))).toEqual([]);
  });

  it('resumes after a restart from its checkpoint: nothing is published twice', async () => {
    await appendAll(store, sampleDomainEvents());
    const first = relay();
    await first.start();
    await caughtUp(first);
    await first.stop();
    const before = publisher.acknowledged.length;

    const later = sampleDomainEvents();
    await appendAll(store, later);
    const second = relay();
    await second.start();
    await caughtUp(second);

    const ids = publisher.broker
      .allMessages()
      .map((m) => (JSON.parse(m.value) as { eventId: string }).eventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(publisher.acknowledged.slice(before).map((m) => m.value.eventId)).toEqual(
      later.filter((e) => PUBLISHED_EVENT_TYPES.includes(e.type)).map((e) => e.id),
    );
  });

  it('retries a failed publish with the same batch until the broker takes it; nothing is skipped or reordered', async () => {
    const events = [...sampleDomainEvents(), ...sampleDomainEvents()];
    publisher.failNext(3);
    await appendAll(store, events);
    const r = relay(4);
    await r.start();
    await caughtUp(r);

    const failed = publisher.calls.filter((c) => c.failed);
    expect(failed).toHaveLength(3);
    // The batch after the failures is the very batch that failed.
    const firstOk = publisher.calls.find((c) => !c.failed)!;
    expect(firstOk.messages.map((m) => m.value.eventId)).toEqual(
      failed[0]!.messages.map((m) => m.value.eventId),
    );
    expect(publisher.acknowledged.map((m) => m.value.eventId)).toEqual(
      events.filter((e) => PUBLISHED_EVENT_TYPES.includes(e.type)).map((e) => e.id),
    );
    expect(logs.filter((l) => l.message.includes('retrying the same batch'))).toHaveLength(3);
    expect(r.status().failedPublishes).toBe(3);
  });

  it('a lost acknowledgement duplicates the batch (at least once) but never loses or reorders one', async () => {
    publisher.failNext(1, 'after-write');
    const events = sampleDomainEvents();
    await appendAll(store, events);
    const r = relay(3);
    await r.start();
    await caughtUp(r);

    const ids = publisher.broker
      .allMessages()
      .map((m) => (JSON.parse(m.value) as { eventId: string }).eventId);
    const expected = events.filter((e) => PUBLISHED_EVENT_TYPES.includes(e.type)).map((e) => e.id);
    expect(new Set(ids)).toEqual(new Set(expected));
    expect(ids.length).toBeGreaterThan(expected.length);
    expect(publisher.acknowledged.map((m) => m.value.eventId)).toEqual(expected);
  });

  it('a failed checkpoint write restarts from the stored checkpoint and republishes from there', async () => {
    checkpoints.failNextSaves(1);
    const events = sampleDomainEvents();
    await appendAll(store, events);
    const r = relay(5);
    await r.start();
    await caughtUp(r);
    const expected = events.filter((e) => PUBLISHED_EVENT_TYPES.includes(e.type)).map((e) => e.id);
    // The first batch went out twice (its checkpoint was not stored), every later one once.
    const acked = publisher.acknowledged.map((m) => m.value.eventId);
    expect(acked.slice(0, 5)).toEqual(expected.slice(0, 5));
    expect(acked.slice(5)).toEqual(expected);
    expect(r.status().restarts).toBe(1);
  });

  it('keeps the order per key across users and providers, live as well as catching up', async () => {
    const users = [randomUUID(), randomUUID(), randomUUID()];
    const r = relay(7);
    await r.start();
    const events = users.flatMap((u, i) => sampleDomainEvents(u, `provider-${i}`));
    // interleave users' events
    const interleaved = events
      .map((e, i) => ({ e, k: (i % 16) * 10 + Math.floor(i / 16) }))
      .sort((a, b) => a.k - b.k);
    await appendAll(
      store,
      interleaved.map((x) => x.e),
    );
    await caughtUp(r);

    for (const topic of new Set(publisher.acknowledged.map((m) => m.topic))) {
      const byKey = new Map<string, string[]>();
      for (const m of publisher.broker.messages(topic)) {
        const list = byKey.get(m.key!) ?? [];
        list.push((JSON.parse(m.value) as { eventId: string }).eventId);
        byKey.set(m.key!, list);
      }
      for (const [key, ids] of byKey) {
        const logOrder = interleaved
          .map((x) => x.e)
          .filter((e) => ids.includes(e.id))
          .map((e) => e.id);
        expect({ key, ids }).toEqual({ key, ids: logOrder });
      }
    }
  });

  it('stops cleanly while a publish is being retried, and the next start redoes that batch', async () => {
    publisher.failNext(Infinity);
    const events = sampleDomainEvents();
    await appendAll(store, events);
    const r = relay();
    await r.start();
    await eventually(() => (publisher.calls.length >= 2 ? true : undefined), 5_000, 'two failed publishes');
    await r.stop();
    expect(r.status().state).toBe('stopped');
    expect(checkpoints.position).toBeNull();
    expect(publisher.acknowledged).toEqual([]);

    publisher = new InMemoryPublisher(publisher.broker);
    const again = relay();
    await again.start();
    await caughtUp(again);
    expect(publisher.acknowledged.map((m) => m.value.eventId)).toEqual(
      events.filter((e) => PUBLISHED_EVENT_TYPES.includes(e.type)).map((e) => e.id),
    );
  });
});
