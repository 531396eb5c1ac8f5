import type { Position, RecordedEvent } from '@gw/shared-kernel';
import { comparePositions } from '@gw/shared-kernel';
import { eventually } from '@gw/shared-kernel/testing';
import { pollingSubscription, type PollingSource } from './polling-subscription';

const at = (n: number): Position => ({ commit: BigInt(n), prepare: BigInt(n) });
const event = (n: number, type: string): RecordedEvent =>
  ({
    id: `e${n}`,
    streamId: `s-${n}`,
    revision: 0n,
    type,
    version: 1,
    data: {},
    metadata: { correlationId: 'c', actorId: 'a' },
    occurredAt: new Date(0),
    position: at(n),
  }) as RecordedEvent;

/** A log in memory that counts how many rows each read had to look at. */
function fakeLog(events: RecordedEvent[]) {
  const reads: Array<{ after: bigint | null; examined: number }> = [];
  let appends = 0;
  const source: PollingSource = {
    readAll: async ({ after, maxCount, eventTypes }) => {
      const rest = events.filter((e) => !after || comparePositions(e.position, after) > 0);
      const matching = rest.filter((e) => !eventTypes || eventTypes.includes(e.type)).slice(0, maxCount);
      const lastMatch = matching[matching.length - 1];
      reads.push({
        after: after?.commit ?? null,
        examined: matching.length === maxCount && lastMatch ? rest.indexOf(lastMatch) + 1 : rest.length,
      });
      return matching;
    },
    headPosition: async () => events[events.length - 1]?.position ?? null,
    appendCount: () => appends,
    appendedAfter: () => false,
    waitForAppend: (_seen, timeoutMs, signal) =>
      new Promise((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
  return {
    source,
    reads,
    append: (e: RecordedEvent) => {
      events.push(e);
      appends++;
    },
  };
}

const until = (done: () => boolean, what = 'the subscription'): Promise<true> =>
  eventually(() => (done() ? true : undefined), 2_000, what, 2);

describe('pollingSubscription with an event-type filter', () => {
  it('does not rescan the events it filtered out on every poll', async () => {
    const log = [
      event(1, 'AccountOpened'),
      ...Array.from({ length: 2_000 }, (_, i) => event(i + 2, 'RequestRouted')),
    ];
    const { source, reads, append } = fakeLog(log);
    const delivered: string[] = [];
    const subscription = pollingSubscription(
      source,
      {
        eventTypes: ['AccountOpened'],
        handle: async (batch) => {
          delivered.push(...batch.map((e) => e.id));
        },
      },
      5,
    );
    try {
      await until(() => reads.length >= 5);
      // The first read scans the log once; every later poll starts at the head it saw.
      expect(reads.slice(2).every((r) => r.after === 2_001n && r.examined === 0)).toBe(true);

      append(event(2_002, 'RequestRouted'));
      append(event(2_003, 'AccountOpened'));
      await until(() => delivered.length === 2);
      expect(delivered).toEqual(['e1', 'e2003']);
      expect(Math.max(...reads.slice(1).map((r) => r.examined))).toBeLessThanOrEqual(2);
    } finally {
      await subscription.stop();
    }
  });

  it('without a filter it reads from its checkpoint as before', async () => {
    const { source, reads } = fakeLog([event(1, 'A'), event(2, 'B')]);
    const delivered: string[] = [];
    const subscription = pollingSubscription(
      source,
      { handle: async (batch) => void delivered.push(...batch.map((e) => e.id)) },
      5,
    );
    await until(() => reads.length >= 3).finally(() => subscription.stop());
    expect(delivered).toEqual(['e1', 'e2']);
    expect(reads.slice(1).every((r) => r.after === 2n)).toBe(true);
  });
});
