import type { EventStore, Subscription } from '@gw/eventstore';
import { comparePositions, positionToString, type Position, type RecordedEvent } from '@gw/shared-kernel';
import { PUBLISHED_EVENT_TYPES, toOutgoingMessage } from '../contracts/event-mapping';
import {
  DEAD_LETTER_REASONS,
  DEFAULT_MAX_MESSAGE_BYTES,
  deadLetterMessage,
  deadLetterOf,
  messageBytes,
  screenMessage,
  type DeadLetter,
  type DeadLetterReason,
} from '../contracts/dead-letter';
import type { OutgoingMessage } from '../contracts/envelope';
import { TOPICS } from '../contracts/topics';
import { MessageTooLargeError, type MessagePublisher } from '../publisher/message-publisher.port';
import type { RelayCheckpoints } from './relay-checkpoints';

/** Structured context first, message second (pino's Logger fits). */
export interface RelayLogger {
  info(context: Readonly<Record<string, unknown>>, message: string): void;
  warn(context: Readonly<Record<string, unknown>>, message: string): void;
  error(context: Readonly<Record<string, unknown>>, message: string): void;
}

export interface RelayBackoff {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RELAY_BACKOFF: RelayBackoff = Object.freeze({ initialDelayMs: 100, maxDelayMs: 10_000 });

export interface EventRelayOptions {
  readonly eventStore: EventStore;
  readonly checkpoints: RelayCheckpoints;
  readonly publisher: MessagePublisher;
  readonly logger: RelayLogger;
  readonly backoff?: Partial<RelayBackoff>;
  /** Most events per publish (and per checkpoint write). Default 256. */
  readonly maxBatchSize?: number;
  /** Maps one event (default: the EVENT_MAPPINGS table). */
  readonly map?: (event: RecordedEvent) => OutgoingMessage | null;
  /**
   * The broker's largest record (`max.message.bytes`); default 1 MiB, Kafka's. A message that would be
   * larger, or that does not serialize, is dead-lettered instead of published.
   */
  readonly maxMessageBytes?: number;
  /** Told of each dead letter once its notice is acknowledged (metrics). */
  readonly onDeadLetter?: (letter: DeadLetter) => void;
}

export interface EventRelayStatus {
  readonly state: 'idle' | 'running' | 'recovering' | 'stopped';
  readonly checkpoint: Position | null;
  readonly published: number;
  readonly failedPublishes: number;
  readonly restarts: number;
  /** Events published as a dead-letter notice instead of themselves, by reason. */
  readonly deadLettered: Readonly<Record<DeadLetterReason, number>>;
}

class RelayStoppedError extends Error {
  override readonly name = 'RelayStoppedError';
}

const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : `Non-error thrown: ${String(error)}`;

/**
 * Publishes the event log to Kafka, at least once, in log order.
 *
 * Subscribes after the stored checkpoint (only the published types: the store filters), maps each
 * batch, publishes it, and moves the checkpoint only once the broker acknowledged the whole batch. A
 * failed publish is retried with exponential backoff, the same batch again, for as long as it takes:
 * nothing is skipped and nothing later overtakes it. If the checkpoint cannot be written, the
 * subscription restarts from the stored checkpoint and republishes from there.
 *
 * Duplicates: a crash (or a failed checkpoint write) after the broker acknowledged a batch and before
 * its checkpoint was stored publishes that batch again on restart. Consumers dedupe by `eventId`.
 *
 * Dead letters: one event never stalls the relay. A message that does not serialize, or whose record is
 * larger than `maxMessageBytes`, is replaced in its batch by a notice on TOPICS.deadLetter (event id,
 * type, stream, reason, size; never its data), logged at error and counted. When the broker refuses a
 * batch as too large anyway, the batch is published one message at a time and each message refused
 * alone is replaced the same way. The checkpoint then moves past it as usual.
 */
export class EventRelay {
  private readonly backoff: RelayBackoff;
  private readonly map: (event: RecordedEvent) => OutgoingMessage | null;
  private abort = new AbortController();
  private subscription: Subscription | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private restarting: Promise<void> | null = null;
  private state: EventRelayStatus['state'] = 'idle';
  private position: Position | null = null;
  private published = 0;
  private failedPublishes = 0;
  private restarts = 0;
  private deadLettered: Record<DeadLetterReason, number> = Object.fromEntries(
    DEAD_LETTER_REASONS.map((r) => [r, 0]),
  ) as Record<DeadLetterReason, number>;
  private consecutiveFailures = 0;
  private waiters: Array<{ position: Position; resolve: () => void }> = [];

  constructor(private readonly options: EventRelayOptions) {
    this.backoff = { ...DEFAULT_RELAY_BACKOFF, ...options.backoff };
    this.map = options.map ?? ((event) => toOutgoingMessage(event));
  }

  /** Position of the last event known to be acknowledged and checkpointed. */
  get checkpoint(): Position | null {
    return this.position;
  }

  status(): EventRelayStatus {
    return {
      state: this.state,
      checkpoint: this.position,
      published: this.published,
      failedPublishes: this.failedPublishes,
      restarts: this.restarts,
      deadLettered: { ...this.deadLettered },
    };
  }

  async start(): Promise<void> {
    if (this.state === 'running' || this.state === 'recovering') throw new Error('relay is already running');
    this.abort = new AbortController();
    this.state = 'running';
    const checkpoint = await this.options.checkpoints.load();
    this.position = checkpoint;
    this.subscribe(checkpoint);
    this.options.logger.info(
      { checkpoint: checkpoint ? positionToString(checkpoint) : null, types: PUBLISHED_EVENT_TYPES.length },
      'kafka relay started',
    );
  }

  /** Stops after the batch in progress (a publish being retried is abandoned: the next start redoes it). */
  async stop(): Promise<void> {
    if (this.state === 'idle' || this.state === 'stopped') return;
    this.abort.abort();
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    await this.restarting;
    await this.subscription?.stop();
    this.subscription = null;
    this.state = 'stopped';
    this.options.logger.info(
      { checkpoint: this.position ? positionToString(this.position) : null, published: this.published },
      'kafka relay stopped',
    );
  }

  /** Resolves once the checkpoint is at or after `position` (tests, readiness). */
  waitFor(position: Position): Promise<void> {
    if (this.position && comparePositions(this.position, position) >= 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ position, resolve }));
  }

  private subscribe(after: Position | null): void {
    this.subscription = this.options.eventStore.subscribeToAll({
      after: after ?? undefined,
      eventTypes: PUBLISHED_EVENT_TYPES,
      maxBatchSize: this.options.maxBatchSize ?? 256,
      handle: (events) => this.relay(events),
      onError: (error) => this.recover(error),
    });
  }

  private async relay(events: readonly RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const mapped = events.map((e) => this.map(e)).filter((m): m is OutgoingMessage => m !== null);
    const letters: DeadLetter[] = [];
    const messages = mapped.map((m) => {
      const letter = screenMessage(m, this.maxMessageBytes);
      if (!letter) return m;
      letters.push(letter);
      return deadLetterMessage(m, letter);
    });
    letters.push(...(await this.publishUntilAcknowledged(messages, events)));
    for (const letter of letters) this.noteDeadLetter(letter);
    const last = events[events.length - 1]!.position;
    await this.options.checkpoints.save(last);
    this.published += messages.length;
    this.consecutiveFailures = 0;
    this.position = last;
    const reached = this.waiters.filter((w) => comparePositions(last, w.position) >= 0);
    this.waiters = this.waiters.filter((w) => !reached.includes(w));
    // After the store's subscription loop has taken this batch as handled (its microtasks have run), so
    // that a waiter that stops the relay at once never stops it in the middle of the store's loop.
    if (reached.length > 0) setImmediate(() => reached.forEach((w) => w.resolve()));
  }

  private get maxMessageBytes(): number {
    return this.options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  private noteDeadLetter(letter: DeadLetter): void {
    this.deadLettered[letter.reason] += 1;
    this.options.logger.error(
      { ...letter },
      'kafka relay: event not publishable; a dead-letter notice was published in its place',
    );
    this.options.onDeadLetter?.(letter);
  }

  /**
   * Publishes the messages, retrying failures with backoff until the broker acknowledges them all.
   * Refused as too large: one message at a time instead, each one refused alone replaced by its
   * dead-letter notice. Returns the dead letters made here.
   */
  private async publishUntilAcknowledged(
    messages: readonly OutgoingMessage[],
    events: readonly RecordedEvent[],
  ): Promise<DeadLetter[]> {
    if (messages.length === 0) return [];
    for (let attempt = 1; ; attempt++) {
      if (this.abort.signal.aborted) throw new RelayStoppedError('relay stopped');
      try {
        await this.options.publisher.publish(messages);
        if (attempt > 1)
          this.options.logger.info(
            { attempt, messages: messages.length },
            'kafka publish succeeded after retries',
          );
        return [];
      } catch (error) {
        // A notice refused as too large is retried like any failure (it is a few hundred bytes).
        if (error instanceof MessageTooLargeError && messages.some((m) => m.topic !== TOPICS.deadLetter)) {
          if (messages.length > 1) return this.publishOneByOne(messages, events);
          const size = messageBytes(messages[0]!);
          const letter = deadLetterOf(messages[0]!, 'refused_too_large', size, this.maxMessageBytes);
          await this.publishUntilAcknowledged([deadLetterMessage(messages[0]!, letter)], events);
          return [letter];
        }
        this.failedPublishes += 1;
        const delayMs = this.delay(attempt);
        this.options.logger.warn(
          {
            attempt,
            delayMs,
            messages: messages.length,
            from: positionToString(events[0]!.position),
            to: positionToString(events[events.length - 1]!.position),
            error: describeError(error),
          },
          'kafka publish failed; retrying the same batch',
        );
        await this.sleep(delayMs);
      }
    }
  }

  private async publishOneByOne(
    messages: readonly OutgoingMessage[],
    events: readonly RecordedEvent[],
  ): Promise<DeadLetter[]> {
    this.options.logger.warn(
      { messages: messages.length },
      'kafka publish refused as too large; publishing the batch one message at a time',
    );
    const letters: DeadLetter[] = [];
    for (const message of messages) letters.push(...(await this.publishUntilAcknowledged([message], events)));
    return letters;
  }

  private recover(error: unknown): void {
    if (this.abort.signal.aborted || error instanceof RelayStoppedError) return;
    this.subscription = null;
    this.state = 'recovering';
    this.consecutiveFailures += 1;
    this.restarts += 1;
    const delayMs = this.delay(this.consecutiveFailures);
    this.options.logger.error(
      {
        checkpoint: this.position ? positionToString(this.position) : null,
        delayMs,
        error: describeError(error),
      },
      'kafka relay failed; restarting from the stored checkpoint',
    );
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.restarting = this.restart().finally(() => {
        this.restarting = null;
      });
    }, delayMs);
  }

  private async restart(): Promise<void> {
    try {
      const checkpoint = await this.options.checkpoints.load();
      if (this.abort.signal.aborted) return;
      this.position = checkpoint;
      this.state = 'running';
      this.subscribe(checkpoint);
    } catch (error) {
      this.recover(error);
    }
  }

  private delay(failures: number): number {
    const { initialDelayMs, maxDelayMs } = this.backoff;
    return Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(Math.max(0, failures - 1), 30));
  }

  private sleep(ms: number): Promise<void> {
    const signal = this.abort.signal;
    if (signal.aborted) return Promise.reject(new RelayStoppedError('relay stopped'));
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new RelayStoppedError('relay stopped'));
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
