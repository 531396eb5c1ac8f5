import { comparePositions, type Position, type RecordedEvent } from '@gw/shared-kernel';
import { assertDistinctIds, assertSerializable, checkExpectedRevision } from '../../append-checks';
import type { ChainKey } from '../../chain/audit-keys';
import { chainEvents, chainHeadOf } from '../../chain/event-chain';
import { DuplicateEventIdError } from '../../event-store.errors';
import type {
  AppendRequest,
  AppendResult,
  EventStore,
  ListStreamsOptions,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeToAllOptions,
  Subscription,
} from '../../event-store.port';

/** For unit tests and handlers' tests. Same semantics as the real adapters (see the contract suite). */
export class InMemoryEventStore implements EventStore {
  private readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly byId = new Map<string, RecordedEvent>();
  private readonly waiters = new Set<() => void>();

  /** With `chainKey` the chain links are keyed (HMAC-SHA256), as in the gateway. */
  constructor(private readonly options: { readonly chainKey?: ChainKey } = {}) {}

  append(request: AppendRequest): Promise<AppendResult> {
    try {
      return Promise.resolve(this.appendNow(request));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  appendMany(requests: readonly AppendRequest[]): Promise<ReadonlyArray<AppendResult | Error>> {
    return Promise.resolve(
      requests.map((r) => {
        try {
          return this.appendNow(r);
        } catch (e) {
          return e as Error;
        }
      }),
    );
  }

  private appendNow({ streamId, events, expectedRevision = 'any' }: AppendRequest): AppendResult {
    assertSerializable(events);
    assertDistinctIds(events);
    const stream = this.streams.get(streamId) ?? [];
    const known = events.map((e) => this.byId.get(e.id));
    if (known.length > 0 && known.every((k) => k !== undefined)) {
      const last = known[known.length - 1]!;
      if (known.every((k) => k!.streamId === streamId))
        return { nextRevision: last.revision, position: last.position };
    }
    const clash = known.find((k) => k !== undefined);
    if (clash) throw new DuplicateEventIdError(clash.id);
    checkExpectedRevision(streamId, expectedRevision, BigInt(stream.length) - 1n);
    if (events.length === 0) {
      const last = stream[stream.length - 1];
      return {
        nextRevision: BigInt(stream.length) - 1n,
        position: last?.position ?? { commit: -1n, prepare: -1n },
      };
    }
    const chained = chainEvents(
      events,
      streamId,
      BigInt(stream.length),
      chainHeadOf(stream[stream.length - 1]),
      undefined,
      undefined,
      this.options.chainKey,
    );
    for (const e of chained) {
      const index = BigInt(this.log.length);
      const recorded: RecordedEvent = {
        ...e,
        data: structuredClone(e.data),
        metadata: structuredClone(e.metadata),
        streamId,
        revision: BigInt(stream.length),
        position: { commit: index, prepare: index },
      };
      stream.push(recorded);
      this.log.push(recorded);
      this.byId.set(e.id, recorded);
    }
    this.streams.set(streamId, stream);
    const last = stream[stream.length - 1]!;
    for (const wake of [...this.waiters]) wake();
    return { nextRevision: last.revision, position: last.position };
  }

  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const stream = this.streams.get(streamId) ?? [];
    const max = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    if (options.direction === 'backwards') {
      const from = options.fromRevision ?? BigInt(stream.length - 1);
      return Promise.resolve(
        stream
          .filter((e) => e.revision <= from)
          .reverse()
          .slice(0, max),
      );
    }
    const from = options.fromRevision ?? 0n;
    return Promise.resolve(stream.filter((e) => e.revision >= from).slice(0, max));
  }

  listStreams(options: ListStreamsOptions = {}): Promise<string[]> {
    const { prefix = '', after, limit = 100 } = options;
    const ids = [...this.streams.keys()]
      .filter((id) => id.startsWith(prefix) && (after === undefined || id > after))
      .sort();
    return Promise.resolve(ids.slice(0, limit));
  }

  readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after;
    const start = after ? this.log.findIndex((e) => comparePositions(e.position, after) > 0) : 0;
    if (start < 0) return Promise.resolve([]);
    const types = options.eventTypes ? new Set(options.eventTypes) : undefined;
    const tail = types ? this.log.slice(start).filter((e) => types.has(e.type)) : this.log.slice(start);
    return Promise.resolve(tail.slice(0, options.maxCount ?? Number.MAX_SAFE_INTEGER));
  }

  subscribeToAll(options: SubscribeToAllOptions): Subscription {
    let stopped = false;
    let checkpoint: Position | undefined = options.after;
    let caughtUp = false;
    let wake: (() => void) | undefined;
    const loop = async (): Promise<void> => {
      while (!stopped) {
        // An append between this read and the wait below must not be missed (lost wake-up).
        const seen = this.log.length;
        const batch = await this.readAll({
          after: checkpoint,
          maxCount: options.maxBatchSize ?? 500,
          eventTypes: options.eventTypes,
        });
        if (batch.length > 0) {
          await options.handle(batch);
          checkpoint = batch[batch.length - 1]!.position;
          continue;
        }
        if (!caughtUp) {
          caughtUp = true;
          options.onCaughtUp?.();
        }
        if (this.log.length !== seen) continue;
        if (stopped) break; // stop() came while reading or handling: nothing will wake this wait
        await new Promise<void>((resolve) => {
          wake = resolve;
          this.waiters.add(resolve);
        });
        if (wake) this.waiters.delete(wake);
      }
    };
    const running = loop().catch((e: unknown) => {
      stopped = true;
      options.onError?.(e as Error);
    });
    return {
      stop: async () => {
        stopped = true;
        if (wake) {
          this.waiters.delete(wake);
          wake();
        }
        await running;
      },
    };
  }

  headPosition(): Promise<Position | null> {
    return Promise.resolve(this.log[this.log.length - 1]?.position ?? null);
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
