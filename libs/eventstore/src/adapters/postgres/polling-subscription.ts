import { comparePositions, type Position, type RecordedEvent } from '@gw/shared-kernel';
import type { SubscribeToAllOptions, Subscription } from '../../event-store.port';

/** What a polling subscription needs from its store. */
export interface PollingSource {
  readAll(options: {
    after?: Position;
    maxCount: number;
    eventTypes?: readonly string[];
  }): Promise<RecordedEvent[]>;
  /** The last settled position (null: empty log). */
  headPosition(): Promise<Position | null>;
  /** Increases whenever this process appended something. */
  appendCount(): number;
  /** True when this process appended something after `checkpoint` (it may not be visible yet). */
  appendedAfter(checkpoint: Position | undefined): boolean;
  /**
   * Resolves when this process appends (or at once if `appendCount()` has moved past `seen`), after
   * `timeoutMs`, or when `signal` aborts.
   */
  waitForAppend(seen: number, timeoutMs: number, signal: AbortSignal): Promise<void>;
  /**
   * Only when every append goes through this process (single writer): hands over each append's events,
   * in log order, right after they are committed. Returns the unsubscribe function.
   */
  onAppended?: (listener: (events: readonly RecordedEvent[]) => void) => () => void;
}

/** Pauses while this process's own append is not visible yet: from 2 ms, doubling, at most 100 ms. */
const FIRST_RETRY_MS = 2;
const MAX_RETRY_MS = 100;

/**
 * Catch-up in batches, then live: after each empty read, wait for an append by this process or the
 * poll interval (appends by other processes), whichever comes first. When this process appended
 * something that is not visible yet (a transaction in flight elsewhere holds readers back), look again
 * sooner, backing off from 2 ms to 100 ms (or the poll interval if that is shorter).
 *
 * With a single writer, a caught-up subscription is fed the events of each append directly (no read
 * back); events at or before its checkpoint are dropped, so an append seen by both a read and the push
 * is delivered once. `liveBatchDelayMs` lets live events gather into larger batches.
 */
export function pollingSubscription(
  source: PollingSource,
  options: SubscribeToAllOptions,
  pollIntervalMs: number,
): Subscription {
  const stopping = new AbortController();
  const maxCount = options.maxBatchSize ?? 500;
  const delayMs = options.liveBatchDelayMs ?? 0;
  let checkpoint = options.after;
  /**
   * How far the log has been read: past `checkpoint` when the events after it are all of types this
   * subscription filters out. Reads start here, so a subscription to rare events (accounts, policy,
   * catalog) does not rescan every request event since the last one it cared about on each poll.
   */
  let scanned = options.after;
  let caughtUp = false;
  let retryMs = FIRST_RETRY_MS;
  let pushed: RecordedEvent[] = [];
  const types = options.eventTypes ? new Set(options.eventTypes) : undefined;
  /** Push mode, caught up and waiting: ends the wait (see waitForPush). */
  let wakeOnPush: (() => void) | undefined;
  const unsubscribe = source.onAppended?.((events) => {
    let matched = false;
    for (const e of events)
      if (!types || types.has(e.type)) {
        pushed.push(e);
        matched = true;
      }
    if (matched) wakeOnPush?.();
  });

  const after = (events: readonly RecordedEvent[], position: Position | undefined): RecordedEvent[] =>
    position ? events.filter((e) => comparePositions(e.position, position) > 0) : [...events];

  /** Single writer, caught up: the next batch comes from the appends; a read only as a safety net. */
  let pollDue = false;

  /** The next batch: pushed events once caught up (single writer), else a read. */
  const nextBatch = async (): Promise<{ batch: RecordedEvent[]; fromPush: boolean }> => {
    if (unsubscribe && caughtUp && !pollDue) {
      const fresh = after(pushed, checkpoint);
      const batch = fresh.slice(0, maxCount);
      pushed = fresh.slice(batch.length);
      return { batch, fromPush: true };
    }
    pollDue = false;
    // Read the head first: every position up to it is settled, so a read that ends short of
    // `maxCount` has seen all of them (anything unsettled then sorts after the head).
    const head = types ? await source.headPosition() : null;
    const batch = await source.readAll({
      after: later(checkpoint, scanned),
      maxCount,
      eventTypes: options.eventTypes,
    });
    const last = batch[batch.length - 1]?.position;
    scanned = later(scanned, batch.length < maxCount ? later(last, head ?? undefined) : last);
    return { batch, fromPush: false };
  };

  /**
   * Push mode, caught up: waits for a pushed event of this subscription's types rather than for every
   * append, so a feed of rare events (accounts, policy, catalog, keys) is not woken by each chat
   * request's append (a timer, an abort listener and a few promise turns each, on the request's path).
   * Resolves true when woken by the clock: no append at all for a whole `pollIntervalMs`, the
   * safety-net read is due (appends of other types push the clock back, as before).
   */
  const waitForPush = (): Promise<boolean> => {
    if (pushed.length > 0 || stopping.signal.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      let seen = source.appendCount();
      let timer: NodeJS.Timeout | undefined;
      const done = (byClock: boolean): void => {
        clearTimeout(timer);
        wakeOnPush = undefined;
        stopping.signal.removeEventListener('abort', onAbort);
        resolve(byClock);
      };
      const onAbort = (): void => done(false);
      const onClock = (): void => {
        const now = source.appendCount();
        if (now === seen) return done(true);
        seen = now; // appends of other types came in: not quiet yet, look again one interval later
        timer = setTimeout(onClock, pollIntervalMs);
      };
      timer = setTimeout(onClock, pollIntervalMs);
      wakeOnPush = () => done(false);
      stopping.signal.addEventListener('abort', onAbort, { once: true });
    });
  };

  const loop = async (): Promise<void> => {
    while (!stopping.signal.aborted) {
      const seen = source.appendCount();
      const { batch, fromPush } = await nextBatch();
      if (stopping.signal.aborted) return;
      if (batch.length > 0) {
        await options.handle(batch);
        checkpoint = batch[batch.length - 1]!.position;
        if (stopping.signal.aborted) return;
        if ((fromPush && pushed.length > 0) || batch.length === maxCount) continue;
      }
      if (!caughtUp) {
        caughtUp = true;
        pushed = after(pushed, checkpoint);
        options.onCaughtUp?.();
        if (pushed.length > 0) continue;
      }
      if (unsubscribe) {
        // Single writer, caught up: only an event of this subscription's types wakes it.
        pollDue = await waitForPush();
        retryMs = FIRST_RETRY_MS;
      } else {
        const ownPending = source.appendedAfter(checkpoint);
        await source.waitForAppend(
          seen,
          ownPending ? Math.min(retryMs, MAX_RETRY_MS, pollIntervalMs) : pollIntervalMs,
          stopping.signal,
        );
        pollDue = source.appendCount() === seen; // woken by the clock, not by an append
        retryMs = ownPending && batch.length === 0 ? retryMs * 2 : FIRST_RETRY_MS;
      }
      if (delayMs > 0 && !stopping.signal.aborted) await pause(delayMs, stopping.signal);
    }
  };

  const running = loop()
    .catch((e: unknown) => {
      stopping.abort();
      options.onError?.(e instanceof Error ? e : new Error(String(e)));
    })
    .finally(() => unsubscribe?.());

  return {
    stop: async () => {
      stopping.abort();
      await running;
    },
  };
}

/** The later of two positions (undefined: the start of the log). */
const later = (a: Position | undefined, b: Position | undefined): Position | undefined =>
  a === undefined ? b : b === undefined || comparePositions(a, b) >= 0 ? a : b;

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
