import { randomUUID } from 'node:crypto';
import type { Decider, DomainEvent, EventMetadata, NewEvent } from '@gw/shared-kernel';
import { WrongExpectedRevisionError } from '../event-store.errors';
import type { EventStore } from '../event-store.port';

export interface CommandContext {
  readonly metadata: EventMetadata;
  readonly now: Date;
  /** Retries after a version conflict (the decider is pure, so rerunning it is safe). Default 3. */
  readonly maxRetries?: number;
}

export interface CommandResult<TEvent> {
  readonly streamId: string;
  /** Revision of the stream's last event after the command (-1 when it still has none). */
  readonly version: bigint;
  readonly events: readonly TEvent[];
}

/** A command's result with the stream's state after it (the decider's fold, nothing re-read). */
export interface CommandOutcome<TEvent, TState> extends CommandResult<TEvent> {
  readonly state: TState;
}

/** A stream's state as the log says it is now: its events folded by the decider. */
export async function readState<TCommand, TEvent extends DomainEvent, TState>(
  store: EventStore,
  streamId: string,
  decider: Decider<TCommand, TEvent, TState>,
): Promise<TState> {
  const history = await store.readStream(streamId);
  return history.reduce((s, e) => decider.evolve(s, e as unknown as TEvent), decider.initialState());
}

export const toNewEvents = (events: readonly DomainEvent[], metadata: EventMetadata, now: Date): NewEvent[] =>
  events.map((e) => ({
    id: randomUUID(),
    type: e.type,
    version: e.version ?? 1,
    data: e.data,
    metadata,
    occurredAt: now,
  }));

/**
 * Load a stream, fold it, decide, append under optimistic concurrency; retry a bounded number of
 * times when another writer got there first (STYLE.md §3).
 */
export async function handleCommand<TCommand, TEvent extends DomainEvent, TState>(
  store: EventStore,
  streamId: string,
  decider: Decider<TCommand, TEvent, TState>,
  command: TCommand,
  context: CommandContext,
): Promise<CommandOutcome<TEvent, TState>> {
  const maxRetries = context.maxRetries ?? 3;
  for (let attempt = 0; ; attempt++) {
    const history = await store.readStream(streamId);
    const state = history.reduce((s, e) => decider.evolve(s, e as unknown as TEvent), decider.initialState());
    const version = history.length === 0 ? -1n : history[history.length - 1]!.revision;
    const events = decider.decide(command, state);
    if (events.length === 0) return { streamId, version, events, state };
    try {
      const result = await store.append({
        streamId,
        events: toNewEvents(events, context.metadata, context.now),
        expectedRevision: version === -1n ? 'no_stream' : version,
      });
      return { streamId, version: result.nextRevision, events, state: events.reduce(decider.evolve, state) };
    } catch (e) {
      if (!(e instanceof WrongExpectedRevisionError) || attempt >= maxRetries) throw e;
    }
  }
}

/**
 * The usual shape of a command handler: take `now` from the clock, build the decider's command with
 * it, and handle it on one stream.
 */
export function handleCommandNow<TCommand, TEvent extends DomainEvent, TState>(
  store: EventStore,
  streamId: string,
  decider: Decider<TCommand, TEvent, TState>,
  clock: { now(): Date },
  metadata: EventMetadata,
  build: (now: Date) => TCommand,
): Promise<CommandOutcome<TEvent, TState>> {
  const now = clock.now();
  return handleCommand(store, streamId, decider, build(now), { metadata, now });
}
