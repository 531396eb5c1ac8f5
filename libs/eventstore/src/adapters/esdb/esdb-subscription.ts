import type { AllStreamResolvedEvent } from '@eventstore/db-client';
import { comparePositions, type Position, type RecordedEvent } from '@gw/shared-kernel';
import type { SubscribeToAllOptions, Subscription } from '../../event-store.port';
import { fromEsdbEvent, isSystemEvent } from './esdb-mapping';

/** The part of the client's `AllStreamSubscription` this needs (a fake stream in unit tests). */
export interface EsdbSubscriptionStream {
  on(event: 'data', listener: (resolved: AllStreamResolvedEvent) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  pause(): unknown;
  resume(): unknown;
  isPaused(): boolean;
  destroy(): unknown;
  unsubscribe(): Promise<void>;
}

const toError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/**
 * Turns an EventStoreDB catch-up subscription into batches with back-pressure: events buffer up to
 * `maxBatchSize` (the stream is paused beyond that), and the next batch waits for the handler.
 * `caughtUpAt` is the head of the log when the subscription started: once it is delivered (or if there
 * was nothing after the checkpoint), `onCaughtUp` fires.
 */
export function batchSubscription(
  stream: EsdbSubscriptionStream,
  options: SubscribeToAllOptions,
  caughtUpAt: Promise<Position | null>,
): Subscription {
  const maxBatchSize = options.maxBatchSize ?? 500;
  const buffer: AllStreamResolvedEvent[] = [];
  let failure: Error | undefined;
  let ended = false;
  let stopped = false;
  let wake: (() => void) | undefined;
  const signal = (): void => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };

  stream.on('data', (resolved: AllStreamResolvedEvent) => {
    buffer.push(resolved);
    if (buffer.length >= maxBatchSize) stream.pause();
    signal();
  });
  stream.on('error', (e) => {
    failure = e;
    signal();
  });
  const onEnd = (): void => {
    ended = true;
    signal();
  };
  stream.on('end', onEnd);
  stream.on('close', onEnd);

  let checkpoint = options.after && options.after.commit >= 0n ? options.after : undefined;
  const isNew = (event: RecordedEvent): boolean =>
    !checkpoint || comparePositions(event.position, checkpoint) > 0;

  const loop = async (): Promise<void> => {
    const target = await caughtUpAt;
    let caughtUp = false;
    const checkCaughtUp = (): void => {
      if (caughtUp || (target !== null && (!checkpoint || comparePositions(checkpoint, target) < 0))) return;
      caughtUp = true;
      options.onCaughtUp?.();
    };
    checkCaughtUp();
    while (!stopped) {
      if (failure) throw failure;
      if (buffer.length === 0) {
        if (ended) throw new Error('EventStoreDB subscription ended');
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      const taken = buffer.splice(0, maxBatchSize);
      if (stream.isPaused()) stream.resume();
      const events = taken
        .flatMap((r) => (r.event && !isSystemEvent(r.event) ? [fromEsdbEvent(r.event)] : []))
        .filter(isNew);
      if (events.length > 0) {
        await options.handle(events);
        checkpoint = events[events.length - 1]!.position;
      }
      if (stopped) return;
      checkCaughtUp();
    }
  };

  const close = async (): Promise<void> => {
    try {
      await stream.unsubscribe();
    } catch {
      // Already gone: destroying it below is all that is left to do.
    }
    stream.destroy();
  };

  const running = loop().catch(async (e: unknown) => {
    if (stopped) return;
    stopped = true;
    await close();
    options.onError?.(toError(e));
  });

  return {
    stop: async () => {
      if (!stopped) {
        stopped = true;
        signal();
        await close();
      }
      await running;
    },
  };
}
