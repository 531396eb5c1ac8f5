import type { Logger } from 'pino';
import type { EventStore, Subscription } from '@gw/eventstore';
import type { Position, RecordedEvent } from '@gw/shared-kernel';

const RETRY_MS = 1_000;

/**
 * Keeps an in-memory view (access directory, routing policy, …) fed from the event log, so the hot
 * path reads memory only. Resolves once it has caught up with everything already written; if the
 * subscription drops later, it resubscribes from the last event it applied.
 */
export async function startMemoryFeed(
  store: EventStore,
  name: string,
  eventTypes: readonly string[],
  apply: (event: RecordedEvent) => void,
  logger: Logger,
  /** Runs after each batch is applied, before the next is read (e.g. to rebuild a snapshot). */
  afterBatch?: () => Promise<void>,
  /** Where the view already is (a snapshot's position): delivery starts after it. */
  after?: Position,
): Promise<Subscription> {
  let last: Position | undefined = after;
  let current: Subscription | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let firstCatchUp: ((error?: Error) => void) | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    firstCatchUp = (error) => (error ? reject(error) : resolve());
  });
  const subscribe = (): void => {
    current = store.subscribeToAll({
      after: last,
      eventTypes, // filtered by the store: start-up reads only these types
      handle: async (events) => {
        for (const e of events) apply(e);
        last = events[events.length - 1]?.position ?? last;
        await afterBatch?.();
      },
      onCaughtUp: () => {
        firstCatchUp?.();
        firstCatchUp = undefined;
      },
      onError: (e) => {
        logger.error({ feed: name, err: e.message }, 'in-memory feed subscription failed; resubscribing');
        if (firstCatchUp) {
          firstCatchUp(e);
          firstCatchUp = undefined;
          return;
        }
        if (!stopped) retry = setTimeout(subscribe, RETRY_MS);
      },
    });
  };
  subscribe();
  await ready;
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(retry);
      await current?.stop();
    },
  };
}
