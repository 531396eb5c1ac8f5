import { randomUUID } from 'node:crypto';
import { InMemoryEventStore } from '@gw/eventstore';
import type { NewEvent, RecordedEvent } from '@gw/shared-kernel';
import { eventually } from '@gw/shared-kernel/testing';
import { InMemoryPublisher, loadKafkaSchemas, sampleDomainEvents, streamOf } from '../testing';
import { DEAD_LETTER_TYPE, DEFAULT_MAX_MESSAGE_BYTES, type DeadLetter } from '../contracts/dead-letter';
import type { OutgoingMessage } from '../contracts/envelope';
import { PUBLISHED_EVENT_TYPES, toOutgoingMessage } from '../contracts/event-mapping';
import { TOPICS } from '../contracts/topics';
import { EventRelay, type EventRelayOptions, type RelayLogger } from './event-relay';
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
  const relay = (maxBatchSize = 256, extra: Partial<EventRelayOptions> = {}): EventRelay => {
    const r = new EventRelay({
      eventStore: store,
      checkpoints,
      publisher,
      logger,
      maxBatchSize,
      backoff: { initialDelayMs: 1, maxDelayMs: 5 },
      ...extra,
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

  describe('dead letters: one event never stalls the relay', () => {
    /** The sample events with one UsageRecorded changed by `change`; returns the events and that one. */
    const withBadUsage = (change: (data: Record<string, unknown>) => void) => {
      const events = sampleDomainEvents();
      const usage = events.find((e) => e.type === 'UsageRecorded')!;
      const data = { ...(usage.data as Record<string, unknown>) };
      change(data);
      const bad = { ...usage, data };
      return { events: events.map((e) => (e === usage ? bad : e)), bad };
    };
    /** Until the relay has checkpointed the last event, or fails after 5 s (a stalled relay). */
    const caughtUpWithin = async (r: EventRelay): Promise<void> => {
      const last = (await store.readAll({ eventTypes: PUBLISHED_EVENT_TYPES })).at(-1)!;
      await eventually(
        () => (r.checkpoint && r.checkpoint.commit >= last.position.commit ? true : undefined),
        5_000,
        'the relay past every event',
      );
    };
    const notices = () => publisher.acknowledged.filter((m) => m.topic === TOPICS.deadLetter);

    it('a record over the size limit: a notice in its place, counted, the others published in order, the checkpoint past it', async () => {
      const { events, bad } = withBadUsage(
        (d) => (d.finishReason = 'x'.repeat(DEFAULT_MAX_MESSAGE_BYTES + 10)),
      );
      publisher = new InMemoryPublisher(undefined, DEFAULT_MAX_MESSAGE_BYTES);
      await appendAll(store, events);
      const told: DeadLetter[] = [];
      const r = relay(256, { onDeadLetter: (d) => told.push(d) });
      await r.start();
      await caughtUpWithin(r);

      const expected = events.filter((e) => PUBLISHED_EVENT_TYPES.includes(e.type)).map((e) => e.id);
      // Every event, in log order: the bad one as its notice.
      expect(publisher.acknowledged.map((m) => m.value.eventId)).toEqual(expected);
      expect(publisher.acknowledged.find((m) => m.value.eventId === bad.id)).toMatchObject({
        topic: TOPICS.deadLetter,
        value: { type: DEAD_LETTER_TYPE, streamId: streamOf(bad) },
      });
      expect(notices().map((m) => m.value.data)).toEqual([
        {
          eventId: bad.id,
          type: 'UsageRecorded',
          stream: streamOf(bad),
          reason: 'too_large',
          size: expect.any(Number) as number,
          maxBytes: DEFAULT_MAX_MESSAGE_BYTES,
        },
      ]);
      expect(notices()[0]!.value.data.size).toBeGreaterThan(DEFAULT_MAX_MESSAGE_BYTES);
      expect(JSON.stringify(notices()[0]!.value).length).toBeLessThan(1_024); // never the payload
      expect(checkpoints.position).toEqual(
        (await store.readAll({ eventTypes: PUBLISHED_EVENT_TYPES })).at(-1)!.position,
      );
      expect(r.status().deadLettered).toEqual({ unserializable: 0, too_large: 1, refused_too_large: 0 });
      expect(told).toEqual([expect.objectContaining({ eventId: bad.id, reason: 'too_large' })]);
      expect(logs).toContainEqual(
        expect.objectContaining({ level: 'error', context: expect.objectContaining({ eventId: bad.id }) }),
      );
      const schemas = loadKafkaSchemas();
      expect(publisher.broker.allMessages().flatMap((m) => schemas.check(m))).toEqual([]);

      // Live: the relay goes on with what is written after.
      const later = sampleDomainEvents();
      await appendAll(store, later);
      await caughtUpWithin(r);
      expect(publisher.acknowledged.slice(expected.length).map((m) => m.value.eventId)).toEqual(
        later.filter((e) => PUBLISHED_EVENT_TYPES.includes(e.type)).map((e) => e.id),
      );
    });

    it.each([
      ['a BigInt', (d: Record<string, unknown>) => (d.promptTokens = 12n)],
      [
        'a cycle',
        (d: Record<string, unknown>) => {
          const loop: Record<string, unknown> = {};
          loop.self = loop;
          d.extra = loop;
        },
      ],
    ])(
      'a message with %s (it does not serialize): a notice in its place, and the relay moves on',
      async (_, change) => {
        // The store refuses such data, so the mapping makes it (as a faulty mapping would).
        const events = sampleDomainEvents();
        const bad = events.find((e) => e.type === 'UsageRecorded')!;
        const map = (event: RecordedEvent): OutgoingMessage | null => {
          const message = toOutgoingMessage(event);
          if (!message || event.id !== bad.id) return message;
          const data = { ...message.value.data };
          change(data);
          return { ...message, value: { ...message.value, data } };
        };
        await appendAll(store, events);
        const r = relay(3, { map });
        await r.start();
        await caughtUpWithin(r);

        expect(publisher.acknowledged.map((m) => m.value.eventId)).toEqual(
          events.filter((e) => PUBLISHED_EVENT_TYPES.includes(e.type)).map((e) => e.id),
        );
        expect(notices().map((m) => m.value.data)).toEqual([
          {
            eventId: bad.id,
            type: 'UsageRecorded',
            stream: streamOf(bad),
            reason: 'unserializable',
            size: null,
            maxBytes: DEFAULT_MAX_MESSAGE_BYTES,
          },
        ]);
        expect(r.status()).toMatchObject({ failedPublishes: 0, deadLettered: { unserializable: 1 } });
        const schemas = loadKafkaSchemas();
        expect(publisher.broker.allMessages().flatMap((m) => schemas.check(m))).toEqual([]);
      },
    );

    it('the broker refuses a batch as too large (MESSAGE_TOO_LARGE): one at a time, the one refused alone dead-lettered', async () => {
      const { events, bad } = withBadUsage((d) => (d.finishReason = 'y'.repeat(200_000)));
      // The broker takes less than the relay was told: only the broker's refusal can catch it.
      publisher = new InMemoryPublisher(undefined, 64 * 1024);
      await appendAll(store, events);
      const r = relay(256, { maxMessageBytes: 10 * 1024 * 1024 });
      await r.start();
      await caughtUpWithin(r);

      expect(publisher.acknowledged.map((m) => m.value.eventId)).toEqual(
        events.filter((e) => PUBLISHED_EVENT_TYPES.includes(e.type)).map((e) => e.id),
      );
      expect(notices().map((m) => m.value.data)).toEqual([
        expect.objectContaining({ eventId: bad.id, reason: 'refused_too_large', maxBytes: 10 * 1024 * 1024 }),
      ]);
      expect(notices()[0]!.value.data.size).toBeGreaterThan(200_000);
      // The whole batch once, then each message alone: nothing else failed.
      expect(publisher.calls.filter((c) => c.failed)).toHaveLength(2);
      expect(r.status().deadLettered.refused_too_large).toBe(1);
    });
  });
});
