import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  jsonEvent,
  type AppendExpectedRevision,
  type EventData,
  type JSONType,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import type { EventMetadata, NewEvent, Position, RecordedEvent } from '@gw/shared-kernel';
import type { ExpectedRevision } from '../../event-store.port';

/**
 * What goes into an EventStoreDB event's metadata: our metadata, the schema version and occurred-at,
 * plus `$correlationId` / `$causationId`, which EventStoreDB's own projections understand.
 */
export interface EsdbEnvelope {
  readonly $correlationId: string;
  readonly $causationId?: string;
  readonly version: number;
  readonly occurredAt: string;
  readonly metadata: EventMetadata;
}

/** Position used when an old server (before 22.6) does not return one on a stream read. */
export const UNKNOWN_POSITION: Position = Object.freeze({ commit: -1n, prepare: -1n });

export const toEsdbExpectedRevision = (expected: ExpectedRevision): AppendExpectedRevision => {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream' || expected === -1n) return NO_STREAM;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  return expected;
};

export const toEventData = (event: NewEvent): EventData => {
  const envelope: EsdbEnvelope = {
    $correlationId: event.metadata.correlationId,
    ...(event.metadata.causationId === undefined ? {} : { $causationId: event.metadata.causationId }),
    version: event.version,
    occurredAt: event.occurredAt.toISOString(),
    metadata: event.metadata,
  };
  // The client JSON.stringify()s `data`, so any JSON value round-trips, not only the objects its type names.
  return jsonEvent({
    id: event.id,
    type: event.type,
    data: (event.data ?? null) as JSONType,
    metadata: envelope,
  });
};

const isEnvelope = (value: unknown): value is EsdbEnvelope =>
  typeof value === 'object' &&
  value !== null &&
  !(value instanceof Uint8Array) &&
  'metadata' in value &&
  typeof value.metadata === 'object' &&
  value.metadata !== null &&
  'occurredAt' in value &&
  typeof value.occurredAt === 'string' &&
  'version' in value &&
  typeof value.version === 'number';

/** Events written by other tools (no envelope) still map: version 1, occurred-at = created. */
export const fromEsdbEvent = (event: EsdbRecordedEvent): RecordedEvent => {
  const envelope = isEnvelope(event.metadata) ? event.metadata : undefined;
  return {
    id: event.id,
    streamId: event.streamId,
    revision: event.revision,
    type: event.type,
    version: envelope?.version ?? 1,
    data: event.data,
    metadata: envelope?.metadata ?? { correlationId: '', actorId: 'unknown' },
    occurredAt: envelope ? new Date(envelope.occurredAt) : event.created,
    position: event.position ?? UNKNOWN_POSITION,
  };
};

/** System events (`$`-prefixed types: stats, metadata, settings, links) are not part of our log. */
export const isSystemEvent = (event: { readonly type: string }): boolean => event.type.startsWith('$');
