import {
  messageHeaders,
  serializeEnvelope,
  type IntegrationEnvelope,
  type OutgoingMessage,
} from './envelope';
import { TOPICS } from './topics';

/**
 * Kafka's default largest record batch a broker (and topic) accepts: `message.max.bytes` /
 * `max.message.bytes`, 1 MiB plus a few bytes. A record over it is refused with MESSAGE_TOO_LARGE.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_576;

/** Kept free under the limit for the record batch's and the record's own framing. */
export const RECORD_FRAMING_BYTES = 512;

/** The envelope type and schema of a dead-letter notice on TOPICS.deadLetter. */
export const DEAD_LETTER_TYPE = 'MessageDeadLettered';
export const DEAD_LETTER_VERSION = 1;
export const DEAD_LETTER_SCHEMA = 'message-dead-lettered.v1.schema.json';

/**
 * Why an event was not published: its message did not serialize (a BigInt, a cycle: JSON.stringify
 * threw), it was larger than the configured limit, or the broker refused it as too large.
 */
export type DeadLetterReason = 'unserializable' | 'too_large' | 'refused_too_large';

export const DEAD_LETTER_REASONS: readonly DeadLetterReason[] = [
  'unserializable',
  'too_large',
  'refused_too_large',
];

/** What a dead-letter notice says: which event, why, how large. Never the event's data. */
export interface DeadLetter {
  readonly eventId: string;
  readonly type: string;
  readonly stream: string;
  readonly reason: DeadLetterReason;
  /** Bytes of the record (value, key and headers); null when it could not be serialized. */
  readonly size: number | null;
  readonly maxBytes: number;
}

/** The record's size as the broker counts it, near enough: value, key and headers in UTF-8. */
export function recordBytes(key: string, value: string, headers: Readonly<Record<string, string>>): number {
  let bytes = Buffer.byteLength(value, 'utf8') + Buffer.byteLength(key, 'utf8');
  for (const [name, text] of Object.entries(headers))
    bytes += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(text, 'utf8');
  return bytes;
}

/** A message's record size (value, key and headers), or null when it does not serialize. */
export function messageBytes(message: OutgoingMessage): number | null {
  try {
    return recordBytes(message.key, serializeEnvelope(message.value), messageHeaders(message.value));
  } catch {
    return null;
  }
}

/**
 * Whether a message can go to the broker as it is: it serializes, and its record fits in `maxBytes`
 * (less RECORD_FRAMING_BYTES). Pure; null when it can, else the dead letter that replaces it.
 */
export function screenMessage(message: OutgoingMessage, maxBytes: number): DeadLetter | null {
  let value: string;
  try {
    value = serializeEnvelope(message.value);
  } catch {
    return deadLetterOf(message, 'unserializable', null, maxBytes);
  }
  const size = recordBytes(message.key, value, messageHeaders(message.value));
  return size > maxBytes - RECORD_FRAMING_BYTES ? deadLetterOf(message, 'too_large', size, maxBytes) : null;
}

/** The envelope's own fields are strings already; made sure of, so that the notice always serializes. */
const text = (value: unknown): string => (typeof value === 'string' ? value : String(value));

export function deadLetterOf(
  message: OutgoingMessage,
  reason: DeadLetterReason,
  size: number | null,
  maxBytes: number,
): DeadLetter {
  const { eventId, type, streamId } = message.value;
  return { eventId: text(eventId), type: text(type), stream: text(streamId), reason, size, maxBytes };
}

/**
 * The notice published in the event's place: on TOPICS.deadLetter, under the event's own key (so it
 * stays in order with that key's other messages), in the usual envelope, `data` saying which event and
 * why. The envelope's fields are the event's (its id is the dedupe key); its data is never copied.
 */
export function deadLetterMessage(message: OutgoingMessage, letter: DeadLetter): OutgoingMessage {
  const original = message.value;
  const value: IntegrationEnvelope = {
    eventId: text(original.eventId),
    type: DEAD_LETTER_TYPE,
    version: DEAD_LETTER_VERSION,
    occurredAt: text(original.occurredAt),
    userId: original.userId === null ? null : text(original.userId),
    streamId: text(original.streamId),
    streamRevision: text(original.streamRevision),
    correlationId: text(original.correlationId),
    data: {
      eventId: letter.eventId,
      type: letter.type,
      stream: letter.stream,
      reason: letter.reason,
      size: letter.size,
      maxBytes: letter.maxBytes,
    },
  };
  return { topic: TOPICS.deadLetter, key: message.key, value };
}
