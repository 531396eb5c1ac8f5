import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  type JSONRecordedEvent,
  type JSONType,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import { anEvent } from '../../testing/contract-fixtures';
import { fromEsdbEvent, isSystemEvent, toEsdbExpectedRevision, toEventData } from './esdb-mapping';

/** What the server hands back for an event written with `toEventData` (the client parses JSON data and metadata). */
const asRecorded = (
  data: ReturnType<typeof toEventData>,
  streamId: string,
  revision: bigint,
): JSONRecordedEvent => ({
  streamId,
  id: data.id,
  isJson: true,
  revision,
  type: data.type,
  created: new Date('2030-01-01T00:00:00.000Z'),
  data: JSON.parse(JSON.stringify(data.data)) as JSONType,
  metadata: JSON.parse(JSON.stringify(data.metadata)) as JSONType,
  position: { commit: 42n, prepare: 41n },
});

describe('EventStoreDB mapping', () => {
  it('maps every expected revision to the client constant', () => {
    expect(toEsdbExpectedRevision('any')).toBe(ANY);
    expect(toEsdbExpectedRevision('no_stream')).toBe(NO_STREAM);
    expect(toEsdbExpectedRevision(-1n)).toBe(NO_STREAM);
    expect(toEsdbExpectedRevision('stream_exists')).toBe(STREAM_EXISTS);
    expect(toEsdbExpectedRevision(7n)).toBe(7n);
  });

  it('round-trips an event through the metadata envelope, unicode included', () => {
    const event = anEvent({
      type: 'UsageRecorded',
      version: 2,
      data: { text: 'héllo 你好 🚀', micros: '123' },
      metadata: { correlationId: 'req-1', causationId: 'cmd-1', tenantId: 'ü', actorId: 'user-1' },
      occurredAt: new Date('2026-11-23T12:34:56.789Z'),
    });

    const written = toEventData(event);
    const read = fromEsdbEvent(asRecorded(written, 'request-1', 3n));

    expect(written.id).toBe(event.id);
    expect(written.contentType).toBe('application/json');
    expect(written.metadata).toMatchObject({ $correlationId: 'req-1', $causationId: 'cmd-1' });
    expect(read).toEqual({
      ...event,
      streamId: 'request-1',
      revision: 3n,
      position: { commit: 42n, prepare: 41n },
    });
    expect(read.occurredAt).toBeInstanceOf(Date);
  });

  it('maps events written by other tools with defaults', () => {
    const foreign: EsdbRecordedEvent = {
      streamId: 'other-1',
      id: 'b5a7c4a2-8a0e-4a59-9d55-0f1c1d7c3f10',
      isJson: true,
      revision: 0n,
      type: 'SomethingElse',
      created: new Date('2030-01-01T00:00:00.000Z'),
      data: { a: 1 },
      metadata: undefined,
    };

    const read = fromEsdbEvent(foreign);

    expect(read.version).toBe(1);
    expect(read.occurredAt).toEqual(foreign.created);
    expect(read.position).toEqual({ commit: -1n, prepare: -1n });
  });

  it('recognises system events by their $ type', () => {
    expect(isSystemEvent({ type: '$metadata' })).toBe(true);
    expect(isSystemEvent({ type: 'KeyAdded' })).toBe(false);
  });
});
