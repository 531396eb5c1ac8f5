import type { RecordedEvent } from '@gw/shared-kernel';
import type {
  ChargeSettled,
  FallbackTriggered,
  RequestFailed,
  RequestRouted,
  UsageRecorded,
} from '@gw/routing';
import type { KeyFacts, ProviderKeyEvent } from '@gw/keys';
import type { ProviderHealthEvent } from '@gw/catalog';
import type { CreditsEvent, UsageRepriced } from '@gw/usage-billing';
import type { IntegrationEnvelope, OutgoingMessage } from './envelope';
import { TOPICS, type Topic } from './topics';

type Data = Readonly<Record<string, unknown>>;

/**
 * How one domain event type becomes a Kafka message. Adding a type to Kafka is one entry here plus one
 * schema file in docs/kafka/ (the schema test fails until both exist).
 */
export interface EventMapping {
  readonly topic: Topic;
  /** The domain event version this entry maps; any other version stops the relay (never skipped). */
  readonly version: number;
  /** File name in docs/kafka/ of the schema of `data`. */
  readonly schema: string;
  /** Whose data it is (the envelope's userId); null when no user owns it. */
  readonly userId: (data: Data) => string | null;
  /** The partition key: events with one key stay in order. Default: the user id. */
  readonly key?: (data: Data) => string;
  /** The integration form of the event's data: an explicit copy, never the stored object itself. */
  readonly data: (data: Data) => Data;
}

const str = (data: Data, field: string): string => {
  const value = data[field];
  if (typeof value !== 'string' || value.length === 0)
    throw new UnmappableEventError(`field ${field} is not a non-empty string`);
  return value;
};
const byUser = (data: Data): string => str(data, 'userId');

/**
 * Usage, routing and health events are copied whole: a field added to the domain event reaches Kafka at
 * once, and the schema test (additionalProperties: false) fails until the schema lists it.
 */
const copy = (data: Data): Data => ({ ...data });

/**
 * Key events are allow-listed field by field: whatever is added to a key event later (a vault reference,
 * anything secret) is not published until someone adds it here on purpose. Never the key, its
 * ciphertext, the vault's secret id or a custom endpoint's URL.
 */
const keyFacts = (data: Data): Data => {
  const facts = data as unknown as KeyFacts;
  return {
    userId: facts.userId,
    keyId: facts.keyId,
    provider: facts.provider,
    label: facts.label,
    last4: facts.last4,
    fingerprint: facts.fingerprint,
  };
};
const keyEvent =
  (...fields: string[]) =>
  (data: Data): Data => {
    const out: Record<string, unknown> = { ...keyFacts(data) };
    for (const field of fields) if (data[field] !== undefined) out[field] = data[field];
    return out;
  };

type MappedType =
  | UsageRecorded['type']
  | RequestRouted['type']
  | FallbackTriggered['type']
  | RequestFailed['type']
  | ProviderKeyEvent['type']
  | ProviderHealthEvent['type']
  | UsageRepriced['type']
  | CreditsEvent['type']
  | ChargeSettled['type'];

const usage = (schema: string, data: EventMapping['data']): EventMapping => ({
  topic: TOPICS.usage,
  version: 1,
  schema,
  userId: byUser,
  data,
});
const routing = (schema: string): EventMapping => ({
  topic: TOPICS.routing,
  version: 1,
  schema,
  userId: byUser,
  data: copy,
});
const keys = (schema: string, ...fields: string[]): EventMapping => ({
  topic: TOPICS.keys,
  version: 1,
  schema,
  userId: byUser,
  data: keyEvent(...fields),
});
const health = (schema: string): EventMapping => ({
  topic: TOPICS.providers,
  version: 1,
  schema,
  userId: () => null,
  key: (data) => str(data, 'provider'),
  data: copy,
});

/**
 * Event type → topic, key, schema. Types not listed here are not published.
 *
 * Money events (corrections, credits, settled charges and reached caps) go to TOPICS.usage keyed by
 * user id, copied whole like UsageRecorded.
 */
export const EVENT_MAPPINGS: Readonly<Record<MappedType, EventMapping>> = {
  UsageRecorded: usage('usage-recorded.v1.schema.json', copy),
  UsageRepriced: usage('usage-repriced.v1.schema.json', copy),
  CreditsGranted: usage('credits-granted.v1.schema.json', copy),
  CheckoutStarted: usage('checkout-started.v1.schema.json', copy),
  CreditsPurchased: usage('credits-purchased.v1.schema.json', copy),
  ChargeSettled: usage('charge-settled.v1.schema.json', copy),
  SpendingCapReached: usage('spending-cap-reached.v1.schema.json', copy),
  RequestRouted: routing('request-routed.v1.schema.json'),
  FallbackTriggered: routing('fallback-triggered.v1.schema.json'),
  RequestFailed: routing('request-failed.v1.schema.json'),
  KeyAdded: keys('key-added.v1.schema.json', 'priority', 'addedAt'),
  KeyRotated: keys('key-rotated.v1.schema.json', 'rotatedAt'),
  KeyValidated: keys('key-validated.v1.schema.json', 'validatedAt'),
  KeyValidationFailed: keys('key-validation-failed.v1.schema.json', 'reason', 'status', 'failedAt'),
  KeyEnabled: keys('key-enabled.v1.schema.json', 'enabledAt'),
  KeyDisabled: keys('key-disabled.v1.schema.json', 'disabledAt'),
  KeyPriorityChanged: keys('key-priority-changed.v1.schema.json', 'priority', 'changedAt'),
  KeyLabelChanged: keys('key-label-changed.v1.schema.json', 'previousLabel', 'changedAt'),
  KeyRemoved: keys('key-removed.v1.schema.json', 'removedAt', 'reason'),
  ProviderDegraded: health('provider-degraded.v1.schema.json'),
  ProviderRecovered: health('provider-recovered.v1.schema.json'),
};

/** The event types the relay asks the store for (the store filters, so the rest is never shipped). */
export const PUBLISHED_EVENT_TYPES: readonly string[] = Object.keys(EVENT_MAPPINGS);

/** An event of a published type that cannot be mapped (unknown version, missing user id …). */
export class UnmappableEventError extends Error {
  override readonly name = 'UnmappableEventError';
}

/**
 * The Kafka message for a stored event, or null when its type is not published. Pure. Throws
 * UnmappableEventError for a published type it cannot map: the relay stops there rather than skip it.
 */
export function toOutgoingMessage(
  event: RecordedEvent,
  mappings: Readonly<Record<string, EventMapping>> = EVENT_MAPPINGS,
): OutgoingMessage | null {
  if (!Object.prototype.hasOwnProperty.call(mappings, event.type)) return null;
  const mapping = mappings[event.type]!;
  const where = `${event.type} ${event.id} (${event.streamId}@${event.revision})`;
  if (event.version !== mapping.version)
    throw new UnmappableEventError(
      `${where}: version ${event.version} has no Kafka mapping (mapped: v${mapping.version})`,
    );
  if (event.data === null || typeof event.data !== 'object')
    throw new UnmappableEventError(`${where}: data is not an object`);
  const data = event.data as Data;
  try {
    const value: IntegrationEnvelope = {
      eventId: event.id,
      type: event.type,
      version: event.version,
      occurredAt: event.occurredAt.toISOString(),
      userId: mapping.userId(data),
      streamId: event.streamId,
      streamRevision: event.revision.toString(),
      correlationId: event.metadata.correlationId,
      data: mapping.data(data),
    };
    return { topic: mapping.topic, key: (mapping.key ?? byUser)(data), value };
  } catch (error) {
    if (error instanceof UnmappableEventError) throw new UnmappableEventError(`${where}: ${error.message}`);
    throw error;
  }
}
