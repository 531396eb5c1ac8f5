import { describeBackends } from '@gw/database/testing';
import type { NewEvent, RecordedEvent } from '@gw/shared-kernel';
import type { LogScanOptions, ScannedEvent } from '../../event-store.port';
import { anEvent, newStreamId } from '../../testing/contract-fixtures';
import type { PostgresEventStore } from './postgres-event-store';
import { openTestStore } from './postgres-test-support';

const TYPES = ['Payload', 'Whole'];

/** Every page of a scan, from `after` to the end. */
async function scanAll(
  store: PostgresEventStore,
  options: Omit<LogScanOptions, 'eventTypes' | 'wholeTypes'>,
): Promise<{ events: ScannedEvent[]; pages: number }> {
  const events: ScannedEvent[] = [];
  let after = options.after;
  for (let pages = 1; ; pages++) {
    const page = await store.scanLog({
      ...options,
      ...(after && { after }),
      eventTypes: TYPES,
      wholeTypes: ['Whole'],
    });
    events.push(...page.events);
    if (page.end) return { events, pages };
    expect(page.last).toBeDefined();
    after = page.last;
  }
}

const event = (type: string, i: number): NewEvent =>
  anEvent({
    type,
    data: { i, text: `«${type}» ${i}`, nested: { list: [i, null, 'a"b\\c'] } },
    occurredAt: new Date(Date.UTC(2026, 10, 3, 10, 0, 0, i * 7)),
  });

describeBackends('PostgresEventStore.scanLog', (kind) => {
  let fixture: Awaited<ReturnType<typeof openTestStore>>;
  let expected: RecordedEvent[];
  beforeAll(async () => {
    fixture = await openTestStore(kind, { pollIntervalMs: 60_000 });
    // three transactions; 'Other' entries are looked at but not returned
    let i = 0;
    for (let t = 0; t < 3; t++)
      await fixture.store.appendMany(
        Array.from({ length: 3 }, () => ({
          streamId: newStreamId('scan'),
          events: ['Payload', 'Other', 'Whole', 'Payload'].map((type) => event(type, i++)),
        })),
      );
    expected = await fixture.store.readAll({ eventTypes: TYPES });
  });
  afterAll(() => fixture.cleanup());

  it.each([1, 5, 1_000])(
    'pages of %i entries give readAll’s events in order: payloads, and whole events as readAll reads them',
    async (scanCount) => {
      const { events, pages } = await scanAll(fixture.store, { scanCount });
      expect(expected).toHaveLength(27);
      expect(events.map((e) => [e.type, e.data, e.occurredAt])).toEqual(
        expected.map((e) => [e.type, e.data, e.occurredAt]),
      );
      expect(events.filter((e) => e.type === 'Whole').map((e) => e.event)).toEqual(
        expected.filter((e) => e.type === 'Whole'),
      );
      expect(events.filter((e) => e.type === 'Payload').every((e) => e.event === undefined)).toBe(true);
      // 36 entries in all, whatever their type
      expect(pages).toBe(Math.floor(36 / scanCount) + 1);
    },
  );

  it('starts after a position', async () => {
    const { events } = await scanAll(fixture.store, { after: expected[10]!.position, scanCount: 4 });
    expect(events.map((e) => e.data)).toEqual(expected.slice(11).map((e) => e.data));
  });
});
