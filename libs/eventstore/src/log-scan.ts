import type { EventStore, LogScanner, LogScanOptions, LogScanPage } from './event-store.port';

const isLogScanner = (store: EventStore): store is EventStore & LogScanner =>
  typeof (store as Partial<LogScanner>).scanLog === 'function';

/**
 * One page of a narrow scan of the log: the store's own `scanLog` when it has one (Postgres, PGlite),
 * else readAll with the type filter, `scanCount` events per page (every event then comes whole).
 */
export async function scanLog(store: EventStore, options: LogScanOptions): Promise<LogScanPage> {
  if (isLogScanner(store)) return store.scanLog(options);
  const page = await store.readAll({
    ...(options.after && { after: options.after }),
    maxCount: options.scanCount,
    eventTypes: options.eventTypes,
  });
  const last = page.at(-1)?.position;
  return {
    events: page.map((event) => ({
      type: event.type,
      occurredAt: event.occurredAt,
      data: event.data,
      event,
    })),
    ...(last && { last }),
    end: page.length < options.scanCount,
  };
}
