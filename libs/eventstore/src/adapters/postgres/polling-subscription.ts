import type { Position, RecordedEvent } from '@gw/shared-kernel';
import type { SubscribeToAllOptions, Subscription } from '../../event-store.port';

/** What a polling subscription needs from its store. */
export interface PollingSource {
  readAll(options: { after?: Position; maxCount: number }): Promise<RecordedEvent[]>;
  /** Increases whenever this process appended something. */
  appendCount(): number;
  /** True when this process appended something after `checkpoint` (it may not be visible yet). */
  appendedAfter(checkpoint: Position | undefined): boolean;
  /**
   * Resolves when this process appends (or at once if `appendCount()` has moved past `seen`), after
   * `timeoutMs`, or when `signal` aborts.
   */
  waitForAppend(seen: number, timeoutMs: number, signal: AbortSignal): Promise<void>;
}

/** Pauses while this process's own append is not visible yet: from 2 ms, doubling, at most 100 ms. */
const FIRST_RETRY_MS = 2;
const MAX_RETRY_MS = 100;

/**
 * Catch-up in batches, then live: after each empty read, wait for an append by this process or the
 * poll interval (appends by other processes), whichever comes first. When this process appended
 * something that is not visible yet (a transaction in flight elsewhere holds readers back), look again
 * sooner, backing off from 2 ms to 100 ms (or the poll interval if that is shorter).
 */
export function pollingSubscription(
  source: PollingSource,
  options: SubscribeToAllOptions,
  pollIntervalMs: number,
): Subscription {
  const stopping = new AbortController();
  const maxCount = options.maxBatchSize ?? 500;
  let checkpoint = options.after;
  let caughtUp = false;
  let retryMs = FIRST_RETRY_MS;

  const loop = async (): Promise<void> => {
    while (!stopping.signal.aborted) {
      const seen = source.appendCount();
      const batch = await source.readAll({ after: checkpoint, maxCount });
      if (stopping.signal.aborted) return;
      if (batch.length > 0) {
        await options.handle(batch);
        checkpoint = batch[batch.length - 1]!.position;
        if (stopping.signal.aborted) return;
        if (batch.length === maxCount) continue;
      }
      if (!caughtUp) {
        caughtUp = true;
        options.onCaughtUp?.();
      }
      const ownPending = source.appendedAfter(checkpoint);
      await source.waitForAppend(
        seen,
        ownPending ? Math.min(retryMs, MAX_RETRY_MS, pollIntervalMs) : pollIntervalMs,
        stopping.signal,
      );
      retryMs = ownPending && batch.length === 0 ? retryMs * 2 : FIRST_RETRY_MS;
    }
  };

  const running = loop().catch((e: unknown) => {
    stopping.abort();
    options.onError?.(e instanceof Error ? e : new Error(String(e)));
  });

  return {
    stop: async () => {
      stopping.abort();
      await running;
    },
  };
}
