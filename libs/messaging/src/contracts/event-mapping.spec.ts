import { randomUUID } from 'node:crypto';
import type { NewEvent, RecordedEvent } from '@gw/shared-kernel';
import { loadKafkaSchemas, onTheWire, sampleDomainEvents, streamOf, ENVELOPE_SCHEMA } from '../testing';
import {
  EVENT_MAPPINGS,
  PUBLISHED_EVENT_TYPES,
  toOutgoingMessage,
  UnmappableEventError,
} from './event-mapping';
import { DEAD_LETTER_SCHEMA } from './dead-letter';
import { TOPICS } from './topics';

const recorded = (event: NewEvent, revision = 0n): RecordedEvent => ({
  ...event,
  streamId: streamOf(event),
  revision,
  position: { commit: 1n, prepare: 1n },
});

const schemas = loadKafkaSchemas();
const userId = randomUUID();

/**
 * The spending-cap events, built by hand from their contract (the code that emits them is being
 * written): ChargeSettled on the request's stream, SpendingCapReached on the account's.
 */
const spendingCapSamples = (): RecordedEvent[] => {
  const requestId = randomUUID();
  const at = new Date('2026-12-10T12:00:00.000Z');
  const event = (type: string, streamId: string, data: Record<string, unknown>): RecordedEvent => ({
    id: randomUUID(),
    type,
    version: 1,
    data,
    metadata: { correlationId: requestId, actorId: userId },
    occurredAt: at,
    streamId,
    revision: 1n,
    position: { commit: 1n, prepare: 1n },
  });
  return [
    event('ChargeSettled', `request-${requestId}`, {
      requestId,
      userId,
      chargedMicros: '2468',
      reservedMicros: '90000',
      month: '2026-12',
      settledAt: at.toISOString(),
    }),
    event('SpendingCapReached', `credits-${userId}`, {
      userId,
      month: '2026-12',
      monthlyCapMicros: '1000000',
      monthSpendMicros: '1002468',
      capMode: 'soft',
      reachedAt: at.toISOString(),
    }),
  ];
};

const samples = [
  ...sampleDomainEvents(userId, 'openai').map((e, i) => recorded(e, BigInt(i))),
  ...spendingCapSamples(),
];
const mapped = (type: string) => toOutgoingMessage(samples.find((e) => e.type === type)!)!;

const EXPECTED_TOPICS: Record<string, string> = {
  UsageRecorded: TOPICS.usage,
  UsageRepriced: TOPICS.usage,
  CreditsGranted: TOPICS.usage,
  CheckoutStarted: TOPICS.usage,
  CreditsPurchased: TOPICS.usage,
  ChargeSettled: TOPICS.usage,
  SpendingCapReached: TOPICS.usage,
  RequestRouted: TOPICS.routing,
  FallbackTriggered: TOPICS.routing,
  RequestFailed: TOPICS.routing,
  KeyAdded: TOPICS.keys,
  KeyRotated: TOPICS.keys,
  KeyValidated: TOPICS.keys,
  KeyValidationFailed: TOPICS.keys,
  KeyEnabled: TOPICS.keys,
  KeyDisabled: TOPICS.keys,
  KeyPriorityChanged: TOPICS.keys,
  KeyLabelChanged: TOPICS.keys,
  KeyRemoved: TOPICS.keys,
  ProviderDegraded: TOPICS.providers,
  ProviderRecovered: TOPICS.providers,
};

describe('Kafka event mapping', () => {
  it('publishes exactly the listed types, each to its topic', () => {
    expect([...PUBLISHED_EVENT_TYPES].sort()).toEqual(Object.keys(EXPECTED_TOPICS).sort());
    for (const [type, topic] of Object.entries(EXPECTED_TOPICS)) expect(mapped(type).topic).toBe(topic);
  });

  it('has a schema file for every mapping, and no schema file that nothing uses', () => {
    const used = new Set([
      ENVELOPE_SCHEMA,
      DEAD_LETTER_SCHEMA,
      ...Object.values(EVENT_MAPPINGS).map((m) => m.schema),
    ]);
    expect([...schemas.files].sort()).toEqual([...used].sort());
  });

  it.each(Object.keys(EXPECTED_TOPICS))('%s: envelope, key and data validate against the schemas', (type) => {
    const event = samples.find((e) => e.type === type)!;
    const message = toOutgoingMessage(event)!;
    expect(message.value).toEqual({
      eventId: event.id,
      type,
      version: 1,
      occurredAt: '2026-12-10T12:00:00.000Z',
      userId: type.startsWith('Provider') ? null : userId,
      streamId: event.streamId,
      streamRevision: event.revision.toString(),
      correlationId: event.metadata.correlationId,
      data: expect.any(Object),
    });
    expect(message.key).toBe(type.startsWith('Provider') ? 'openai' : userId);
    expect(schemas.check(onTheWire(message))).toEqual([]);
  });

  it('keys health by provider slug and everything else by user id', () => {
    expect(mapped('ProviderDegraded').key).toBe('openai');
    expect(mapped('UsageRecorded').key).toBe(userId);
    expect(mapped('KeyAdded').key).toBe(userId);
  });

  it('keeps money as strings, and the schema refuses a number', () => {
    const usage = mapped('UsageRecorded');
    expect(usage.value.data).toMatchObject({ providerCostMicros: '1234', chargedMicros: '2468' });
    const asNumber = { ...usage.value.data, chargedMicros: 2468 };
    expect(schemas.checkData('usage-recorded.v1.schema.json', asNumber)).not.toEqual([]);
    const fractional = { ...usage.value.data, chargedMicros: '24.68' };
    expect(schemas.checkData('usage-recorded.v1.schema.json', fractional)).not.toEqual([]);
  });

  it('spending-cap events: the schemas hold their contract (month YYYY-MM, money as strings, cap mode)', () => {
    const settled = mapped('ChargeSettled');
    expect(settled.value.streamId).toMatch(/^request-/);
    expect(settled.value.data).toMatchObject({ chargedMicros: '2468', reservedMicros: '90000' });
    const check = (schema: string, data: Record<string, unknown>) => schemas.checkData(schema, data);
    const settledData = settled.value.data;
    expect(check('charge-settled.v1.schema.json', { ...settledData, chargedMicros: 2468 })).not.toEqual([]);
    expect(check('charge-settled.v1.schema.json', { ...settledData, month: '2026-13' })).not.toEqual([]);
    expect(check('charge-settled.v1.schema.json', { ...settledData, month: '2026-12-10' })).not.toEqual([]);
    const { reservedMicros: _r, ...withoutReserved } = settledData;
    expect(check('charge-settled.v1.schema.json', withoutReserved)).not.toEqual([]);

    const reached = mapped('SpendingCapReached');
    expect(reached.value.streamId).toBe(`credits-${userId}`);
    const reachedData = reached.value.data;
    expect(check('spending-cap-reached.v1.schema.json', { ...reachedData, capMode: 'hard' })).toEqual([]);
    expect(check('spending-cap-reached.v1.schema.json', { ...reachedData, capMode: 'none' })).not.toEqual([]);
    expect(
      check('spending-cap-reached.v1.schema.json', { ...reachedData, monthlyCapMicros: '1.5' }),
    ).not.toEqual([]);
    expect(check('spending-cap-reached.v1.schema.json', { ...reachedData, extra: 1 })).not.toEqual([]);
  });

  it('returns null for types it does not publish', () => {
    expect(toOutgoingMessage(samples.find((e) => e.type === 'AccountOpened')!)).toBeNull();
    expect(toOutgoingMessage({ ...samples[0]!, type: 'toString' })).toBeNull();
  });

  it('refuses a version it has no mapping for, and a published event without its user id', () => {
    expect(() => toOutgoingMessage({ ...samples[0]!, version: 2 })).toThrow(UnmappableEventError);
    const usage = samples.find((e) => e.type === 'UsageRecorded')!;
    expect(() => toOutgoingMessage({ ...usage, data: { ...(usage.data as object), userId: '' } })).toThrow(
      /userId/,
    );
  });

  it('copies UsageRecorded whole: a new field reaches the message, and the schema test fails until the schema lists it', () => {
    const usage = samples.find((e) => e.type === 'UsageRecorded')!;
    const withNewField = { ...usage, data: { ...(usage.data as object), futureTokens: 7 } };
    const message = toOutgoingMessage(withNewField)!;
    expect(message.value.data).toMatchObject({ futureTokens: 7 });
    expect(schemas.check(onTheWire(message)).join('\n')).toContain('futureTokens');
  });

  it('the envelope is strict: an unknown field or a missing one fails', () => {
    const message = mapped('UsageRecorded');
    expect(
      schemas.check({ ...onTheWire(message), value: JSON.stringify({ ...message.value, extra: 1 }) }),
    ).not.toEqual([]);
    const { correlationId: _c, ...missing } = message.value;
    expect(schemas.check({ ...onTheWire(message), value: JSON.stringify(missing) })).not.toEqual([]);
    expect(schemas.check({ ...onTheWire(message), topic: TOPICS.keys })).not.toEqual([]);
    expect(schemas.check({ ...onTheWire(message), key: 'someone-else' })).not.toEqual([]);
  });
});

describe('Kafka key events carry no secret', () => {
  const SECRET_FIELDS = [
    'apiKey',
    'api_key',
    'key',
    'secret',
    'ciphertext',
    'secretId',
    'masked',
    'encryptedKey',
    'dataKey',
  ];
  const keyTypes = PUBLISHED_EVENT_TYPES.filter((t) => t.startsWith('Key'));

  it.each(keyTypes)('%s: secret fields on the domain event never reach the message', (type) => {
    const event = samples.find((e) => e.type === type)!;
    const poisoned = {
      ...event,
      data: {
        ...(event.data as object),
        apiKey: 'sk-live-canary',
        ciphertext: 'AAAA',
        key: 'sk-live-canary',
        secret: 'x',
      },
    };
    const message = toOutgoingMessage(poisoned)!;
    const text = JSON.stringify(message);
    expect(text).not.toContain('sk-live-canary');
    for (const field of [...SECRET_FIELDS, 'custom', 'baseUrl', 'kekVersion'])
      expect(Object.keys(message.value.data)).not.toContain(field);
    expect(schemas.check(onTheWire(message))).toEqual([]);
  });

  it.each(keyTypes)('%s: its schema refuses any secret-looking field', (type) => {
    const { schema } = EVENT_MAPPINGS[type as keyof typeof EVENT_MAPPINGS];
    const data = mapped(type).value.data;
    for (const field of SECRET_FIELDS)
      expect(schemas.checkData(schema, { ...data, [field]: 'x' }).join('\n')).toContain(field);
  });
});
