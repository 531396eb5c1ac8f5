import { randomUUID } from 'node:crypto';
import type { EventStore } from '@gw/eventstore';
import type { NewEvent, RecordedEvent } from '@gw/shared-kernel';
import type { SeededRandom } from './seeded-random';

/** The sample projection's events: amounts per stream, resets, and noise it does not handle. */
export interface AmountAddedData {
  readonly amount: number;
  /** Makes the failing test projection throw (see `streamTotalsProjection({ failOn })`). */
  readonly poison?: boolean;
}
export type AmountAdded = RecordedEvent<'AmountAdded', AmountAddedData>;
export type TotalsReset = RecordedEvent<'TotalsReset', Record<string, never>>;
export type SampleEvent = AmountAdded | TotalsReset;

export const SAMPLE_EVENT_TYPES: ReadonlySet<string> = new Set(['AmountAdded', 'TotalsReset']);

const newEvent = <TData>(type: string, data: TData): NewEvent<string, TData> => ({
  id: randomUUID(),
  type,
  version: 1,
  data,
  metadata: { correlationId: randomUUID(), actorId: 'test' },
  occurredAt: new Date('2026-11-23T12:00:00Z'),
});

export const amountAdded = (amount: number, poison = false): NewEvent =>
  newEvent('AmountAdded', poison ? { amount, poison } : { amount });
export const totalsReset = (): NewEvent => newEvent('TotalsReset', {});
export const noise = (): NewEvent => newEvent('SomethingElseHappened', { note: 'not for this projection' });

/** `count` streams named `category-<uuid>`. */
export const sampleStreams = (category: string, count: number): string[] =>
  Array.from({ length: count }, () => `${category}-${randomUUID()}`);

/**
 * Appends `count` random events (mostly amounts, some resets and noise) in random small appends; the
 * first `atLeastDistinct` are amounts on as many distinct streams.
 */
export async function appendRandomEvents(
  store: EventStore,
  rng: SeededRandom,
  streams: readonly string[],
  count: number,
  atLeastDistinct = 0,
): Promise<void> {
  for (let i = 0; i < atLeastDistinct; i++) {
    await store.append({ streamId: streams[i % streams.length]!, events: [amountAdded(rng.int(1, 1000))] });
  }
  let left = count - atLeastDistinct;
  while (left > 0) {
    const size = Math.min(left, rng.int(1, 4));
    const events = Array.from({ length: size }, () => {
      const roll = rng.next();
      return roll < 0.75 ? amountAdded(rng.int(-500, 100_000)) : roll < 0.85 ? totalsReset() : noise();
    });
    await store.append({ streamId: rng.pick(streams), events });
    left -= size;
  }
}
