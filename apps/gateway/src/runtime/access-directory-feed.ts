import type { Logger } from 'pino';
import { ACCOUNT_EVENT_TYPES, type AccessDirectory } from '@gw/accounts';
import type { EventStore, Subscription } from '@gw/eventstore';
import type { Position } from '@gw/shared-kernel';

const RETRY_MS = 1_000;

/**
 * Keeps the in-memory access directory fed from the event log, so the hot path authenticates from
 * memory. Resolves once it has caught up with everything already written; if the subscription
 * drops later, it resubscribes from the last event it applied.
 */
export async function startAccessDirectory(
  store: EventStore,
  directory: AccessDirectory,
  logger: Logger,
): Promise<Subscription> {
  let last: Position | undefined;
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
      eventTypes: [...ACCOUNT_EVENT_TYPES], // the store skips request events: start-up reads only accounts
      handle: (events) => {
        for (const e of events) directory.apply(e);
        last = events[events.length - 1]?.position ?? last;
        return Promise.resolve();
      },
      onCaughtUp: () => {
        firstCatchUp?.();
        firstCatchUp = undefined;
      },
      onError: (e) => {
        logger.error({ err: e.message }, 'access directory subscription failed; resubscribing');
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
