import { createHash } from 'node:crypto';
import { messageHeaders, serializeEnvelope, type OutgoingMessage } from '../contracts/envelope';
import type { ConsumeOptions, ConsumedMessage, MessageConsumer } from '../consumer/message-consumer.port';
import { recordBytes } from '../contracts/dead-letter';
import { MessageTooLargeError, type MessagePublisher } from '../publisher/message-publisher.port';

/** A message as the in-memory broker holds it: what Kafka would hold (value serialized, headers). */
export interface StoredMessage extends ConsumedMessage {
  readonly headers: Readonly<Record<string, string>>;
}

export interface InMemoryBrokerOptions {
  /** Partitions per topic (default 3): messages are placed by a hash of the key, like Kafka's. */
  readonly partitions?: number;
}

/**
 * A broker in memory for tests: topics with partitions, consumer groups with committed offsets, and a
 * publisher that can be told to fail (before or after writing, i.e. a lost acknowledgement).
 */
export class InMemoryBroker {
  private readonly logs = new Map<string, StoredMessage[][]>();
  private readonly offsets = new Map<string, Map<string, number>>();
  private waiters: Array<() => void> = [];
  readonly partitions: number;

  constructor(options: InMemoryBrokerOptions = {}) {
    this.partitions = options.partitions ?? 3;
  }

  /** Appends to the key's partition; wakes consumers. */
  append(topic: string, key: string, value: string, headers: Record<string, string> = {}): StoredMessage {
    const partitions = this.topic(topic);
    const partition = partitionOf(key, this.partitions);
    const log = partitions[partition]!;
    const stored: StoredMessage = { topic, partition, offset: String(log.length), key, value, headers };
    log.push(stored);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
    return stored;
  }

  /** Every message of a topic, partition by partition, each in offset order. */
  messages(topic: string): StoredMessage[] {
    return (this.logs.get(topic) ?? []).flat();
  }

  /** Every message of every topic. */
  allMessages(): StoredMessage[] {
    return [...this.logs.keys()].flatMap((t) => this.messages(t));
  }

  publisher(): InMemoryPublisher {
    return new InMemoryPublisher(this);
  }

  consumer(
    groupId: string,
    topics: readonly string[],
    options: { maxBatchSize?: number } = {},
  ): MessageConsumer {
    return new InMemoryConsumer(this, groupId, topics, options.maxBatchSize ?? 100);
  }

  /** The next offset the group will read on each partition of `topic`. */
  committed(groupId: string, topic: string): number[] {
    const group = this.offsets.get(groupId);
    return this.topic(topic).map((_, p) => group?.get(`${topic}:${p}`) ?? 0);
  }

  /** Back to offset 0 on every partition (run it while the group's consumer is stopped). */
  resetOffsets(groupId: string, topic?: string): void {
    const group = this.offsets.get(groupId);
    if (!group) return;
    for (const key of [...group.keys()]) if (!topic || key.startsWith(`${topic}:`)) group.delete(key);
  }

  /** @internal */
  commit(groupId: string, topic: string, partition: number, next: number): void {
    let group = this.offsets.get(groupId);
    if (!group) this.offsets.set(groupId, (group = new Map()));
    group.set(`${topic}:${partition}`, next);
  }

  /** @internal */
  read(topic: string, partition: number, from: number, max: number): StoredMessage[] {
    return this.topic(topic)[partition]!.slice(from, from + max);
  }

  /** @internal Resolves at the next append. */
  nextAppend(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private topic(topic: string): StoredMessage[][] {
    let partitions = this.logs.get(topic);
    if (!partitions) this.logs.set(topic, (partitions = Array.from({ length: this.partitions }, () => [])));
    return partitions;
  }
}

/** Kafka's default partitioner is murmur2; any stable hash keeps one key on one partition. */
const partitionOf = (key: string, partitions: number): number =>
  createHash('sha1').update(key).digest().readUInt32BE(0) % partitions;

export type PublishFailure = 'before-write' | 'after-write';

/** MessagePublisher over an InMemoryBroker, with failure injection and a record of every call. */
export class InMemoryPublisher implements MessagePublisher {
  /** Every message acknowledged (in order), as published. */
  readonly acknowledged: OutgoingMessage[] = [];
  /** Every call of `publish`, failed ones included. */
  readonly calls: Array<{ readonly messages: readonly OutgoingMessage[]; readonly failed: boolean }> = [];
  private failures: Array<{ how: PublishFailure; left: number }> = [];
  closed = false;

  /**
   * `maxMessageBytes`: like a broker's `max.message.bytes`, a call with a record (value, key and
   * headers) larger than it is refused with MessageTooLargeError and writes nothing.
   */
  constructor(
    readonly broker: InMemoryBroker = new InMemoryBroker(),
    private readonly maxMessageBytes = Infinity,
  ) {}

  /**
   * The next `count` calls fail (Infinity: until `heal`): `before-write` writes nothing (broker down), `after-write` writes every
   * message and then fails anyway (the acknowledgement was lost), so a retry duplicates them.
   */
  failNext(count: number, how: PublishFailure = 'before-write'): void {
    this.failures.push({ how, left: count });
  }

  /** Calls succeed again. */
  heal(): void {
    this.failures = [];
  }

  publish(messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('publisher closed'));
    const next = this.failures[0];
    const failure = next?.how;
    if (next && --next.left <= 0) this.failures.shift();
    this.calls.push({ messages, failed: failure !== undefined });
    if (failure === 'before-write') return Promise.reject(new Error('broker unavailable (injected)'));
    let records: Array<{ m: OutgoingMessage; value: string; headers: Record<string, string> }>;
    try {
      records = messages.map((m) => ({
        m,
        value: serializeEnvelope(m.value),
        headers: messageHeaders(m.value),
      }));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    if (records.some(({ m, value, headers }) => recordBytes(m.key, value, headers) > this.maxMessageBytes)) {
      this.calls[this.calls.length - 1] = { messages, failed: true };
      return Promise.reject(new MessageTooLargeError('MESSAGE_TOO_LARGE (in-memory broker)'));
    }
    for (const { m, value, headers } of records) this.broker.append(m.topic, m.key, value, headers);
    if (failure === 'after-write') return Promise.reject(new Error('acknowledgement lost (injected)'));
    this.acknowledged.push(...messages);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

class InMemoryConsumer implements MessageConsumer {
  private running: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly broker: InMemoryBroker,
    private readonly groupId: string,
    private readonly topics: readonly string[],
    private readonly maxBatchSize: number,
  ) {}

  run(options: ConsumeOptions): Promise<void> {
    if (this.running) return Promise.reject(new Error('consumer is already running'));
    this.stopping = false;
    this.running = this.loop(options);
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = null;
  }

  private async loop({ handle, onError }: ConsumeOptions): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      let delivered = false;
      for (const topic of this.topics) {
        const next = this.broker.committed(this.groupId, topic);
        for (let partition = 0; partition < next.length && !this.stopping; partition++) {
          const batch = this.broker.read(topic, partition, next[partition]!, this.maxBatchSize);
          if (batch.length === 0) continue;
          delivered = true;
          try {
            await handle(batch.map(({ headers: _headers, ...m }) => m));
            this.broker.commit(this.groupId, topic, partition, next[partition]! + batch.length);
            failures = 0;
          } catch (error) {
            failures += 1;
            onError?.(error instanceof Error ? error : new Error(String(error)));
            await this.pause(Math.min(200, 5 * 2 ** failures));
          }
        }
      }
      if (!delivered && !this.stopping) await this.pause(null);
    }
  }

  /** Until the next append (ms null) or for a backoff; either way until stop. */
  private pause(ms: number | null): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === null ? null : setTimeout(done, ms);
      const appended = ms === null ? this.broker.nextAppend() : null;
      function done(): void {
        if (timer) clearTimeout(timer);
        resolve();
      }
      this.wake = done;
      void appended?.then(done);
    });
  }
}
