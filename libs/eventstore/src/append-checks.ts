import type { NewEvent } from '@gw/shared-kernel';
import { DuplicateEventIdError, WrongExpectedRevisionError } from './event-store.errors';
import type { ExpectedRevision } from './event-store.port';

/** -1n means "no stream". Throws WrongExpectedRevisionError when `expected` does not hold. */
export function checkExpectedRevision(streamId: string, expected: ExpectedRevision, current: bigint): void {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && current === -1n) ||
    (expected === 'stream_exists' && current >= 0n) ||
    (typeof expected === 'bigint' && expected === current);
  if (!ok)
    throw new WrongExpectedRevisionError(
      streamId,
      String(expected),
      current === -1n ? 'no_stream' : String(current),
    );
}

/** Rejects bigint values and other things JSON cannot carry, before anything is written. */
export function assertSerializable(events: readonly NewEvent[]): void {
  for (const e of events) {
    JSON.stringify({ data: e.data, metadata: e.metadata });
  }
}

/** One append may not carry the same event id twice (every adapter would store it twice or fail half-way). */
export function assertDistinctIds(events: readonly NewEvent[]): void {
  const seen = new Set<string>();
  for (const e of events) {
    const key = e.id.toLowerCase();
    if (seen.has(key)) throw new DuplicateEventIdError(e.id);
    seen.add(key);
  }
}
