/**
 * What every Kafka message's value is (JSON, UTF-8): one domain event, mapped explicitly to its
 * integration form. docs/kafka/envelope.schema.json is the contract; `data` has a schema per type.
 * Money inside `data` is always a decimal string of integer micro-dollars.
 */
export interface IntegrationEnvelope {
  /** The event's id (UUID): the dedupe key for consumers (delivery is at least once). */
  readonly eventId: string;
  readonly type: string;
  /** Schema version of `data` (the domain event's version). */
  readonly version: number;
  /** ISO 8601, UTC. */
  readonly occurredAt: string;
  /** Whose data this is; null for events that belong to no user (provider health). */
  readonly userId: string | null;
  readonly streamId: string;
  /** 0-based revision of the event in its stream, as a decimal string (it is a 64-bit number). */
  readonly streamRevision: string;
  /** The request (or command) the event belongs to. */
  readonly correlationId: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** One message for the broker: topic, partition key and value, in the order they must be published. */
export interface OutgoingMessage {
  readonly topic: string;
  readonly key: string;
  readonly value: IntegrationEnvelope;
}

/** What goes on the wire: the envelope as JSON. */
export const serializeEnvelope = (envelope: IntegrationEnvelope): string => JSON.stringify(envelope);

/** Headers on every message, so consumers can route without parsing the value. */
export const messageHeaders = (envelope: IntegrationEnvelope): Record<string, string> => ({
  'content-type': 'application/json',
  'event-type': envelope.type,
  'event-id': envelope.eventId,
});
