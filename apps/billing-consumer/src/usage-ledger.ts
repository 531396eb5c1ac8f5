import type { IntegrationEnvelope } from '@gw/messaging';

/** What one event adds to a user's ledger (corrections add negative amounts). Integer micro-dollars. */
export interface LedgerDelta {
  readonly requests: bigint;
  readonly promptTokens: bigint;
  readonly completionTokens: bigint;
  readonly cachedTokens: bigint;
  readonly providerCostMicros: bigint;
  readonly chargedMicros: bigint;
}

export const ZERO_DELTA: LedgerDelta = Object.freeze({
  requests: 0n,
  promptTokens: 0n,
  completionTokens: 0n,
  cachedTokens: 0n,
  providerCostMicros: 0n,
  chargedMicros: 0n,
});

export const addDeltas = (a: LedgerDelta, b: LedgerDelta): LedgerDelta => ({
  requests: a.requests + b.requests,
  promptTokens: a.promptTokens + b.promptTokens,
  completionTokens: a.completionTokens + b.completionTokens,
  cachedTokens: a.cachedTokens + b.cachedTokens,
  providerCostMicros: a.providerCostMicros + b.providerCostMicros,
  chargedMicros: a.chargedMicros + b.chargedMicros,
});

type Data = Readonly<Record<string, unknown>>;

const int = (data: Data, field: string): bigint => {
  const value = data[field];
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?(0|[1-9][0-9]*)$/.test(value)) return BigInt(value);
  throw new MalformedUsageError(`${field} is not an integer`);
};

/** What the ledger does with one type: its delta, and whether (and how) it goes to Lago. */
export interface LedgerEntryKind {
  readonly delta: (data: Data) => LedgerDelta;
  /** Lago properties; absent: the type is not forwarded. */
  readonly lagoProperties?: (data: Data) => Record<string, string | number>;
}

/**
 * Event type → ledger effect. Types not listed are not ledger events: they are neither applied nor
 * marked processed, so a later version of this consumer that knows them can replay them from offset 0.
 * The corrections being added (UsageRepriced: the difference of a UsageRecorded; CreditsGranted …)
 * become one entry each here once their payloads exist.
 */
export const LEDGER_ENTRY_KINDS: Readonly<Record<string, LedgerEntryKind>> = {
  UsageRecorded: {
    delta: (data) => ({
      requests: 1n,
      promptTokens: int(data, 'promptTokens'),
      completionTokens: int(data, 'completionTokens'),
      cachedTokens: int(data, 'cachedTokens'),
      providerCostMicros: int(data, 'providerCostMicros'),
      chargedMicros: int(data, 'chargedMicros'),
    }),
    lagoProperties: (data) => ({
      prompt_tokens: Number(int(data, 'promptTokens')),
      completion_tokens: Number(int(data, 'completionTokens')),
      cached_tokens: Number(int(data, 'cachedTokens')),
      total_tokens: Number(int(data, 'promptTokens') + int(data, 'completionTokens')),
      provider_cost_micros: int(data, 'providerCostMicros').toString(),
      charged_micros: int(data, 'chargedMicros').toString(),
      model: String(data.modelId),
      provider: String(data.provider),
      power_level: String(data.powerLevel),
      key_source: String(data.keySource),
    }),
  },
};

export class MalformedUsageError extends Error {
  override readonly name = 'MalformedUsageError';
}

/** The envelope in a message value, or a reason it is not one. */
export function parseEnvelope(value: string): IntegrationEnvelope | MalformedUsageError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return new MalformedUsageError('value is not JSON');
  }
  const e = parsed as Partial<IntegrationEnvelope> | null;
  if (
    !e ||
    typeof e.eventId !== 'string' ||
    typeof e.type !== 'string' ||
    typeof e.occurredAt !== 'string' ||
    Number.isNaN(Date.parse(e.occurredAt)) ||
    typeof e.userId !== 'string' ||
    e.userId.length === 0 ||
    e.data === null ||
    typeof e.data !== 'object'
  )
    return new MalformedUsageError('value is not a usage envelope');
  return e as IntegrationEnvelope;
}

/** Lago's POST /api/v1/events body: transaction_id = event id, so Lago dedupes a resend. */
export interface LagoEvent {
  readonly event: {
    readonly transaction_id: string;
    readonly external_subscription_id: string;
    readonly code: string;
    /** Unix seconds. */
    readonly timestamp: number;
    readonly properties: Record<string, string | number>;
  };
}

export function toLagoEvent(
  envelope: IntegrationEnvelope,
  kind: LedgerEntryKind,
  code: string,
): LagoEvent | null {
  if (!kind.lagoProperties || envelope.userId === null) return null;
  return {
    event: {
      transaction_id: envelope.eventId,
      external_subscription_id: envelope.userId,
      code,
      timestamp: Math.floor(Date.parse(envelope.occurredAt) / 1000),
      properties: kind.lagoProperties(envelope.data),
    },
  };
}
