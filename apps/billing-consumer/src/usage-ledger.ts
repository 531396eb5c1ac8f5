import type { IntegrationEnvelope } from '@gw/messaging';

/**
 * What one event adds to a user's ledger. Money is integer micro-dollars; a correction adds its
 * difference (negative when a price went down).
 */
export interface LedgerDelta {
  /** UsageRecorded events. */
  readonly requests: bigint;
  readonly promptTokens: bigint;
  readonly completionTokens: bigint;
  readonly cachedTokens: bigint;
  /** Usage plus every correction's delta. */
  readonly providerCostMicros: bigint;
  /** Usage plus every correction's delta. */
  readonly chargedMicros: bigint;
  /** UsageRepriced events applied. */
  readonly corrections: bigint;
  /** CreditsGranted events (admin, promotion and purchase). */
  readonly grants: bigint;
  /** Credit added to the wallet: the sum of every CreditsGranted, purchases included, once each. */
  readonly grantedMicros: bigint;
  /** CreditsPurchased events (payments confirmed). */
  readonly purchases: bigint;
  /** What the user paid for those purchases (their packages' prices); not credit: see grantedMicros. */
  readonly paidMicros: bigint;
}

export const ZERO_DELTA: LedgerDelta = Object.freeze({
  requests: 0n,
  promptTokens: 0n,
  completionTokens: 0n,
  cachedTokens: 0n,
  providerCostMicros: 0n,
  chargedMicros: 0n,
  corrections: 0n,
  grants: 0n,
  grantedMicros: 0n,
  purchases: 0n,
  paidMicros: 0n,
});

export const LEDGER_DELTA_FIELDS = Object.keys(ZERO_DELTA) as ReadonlyArray<keyof LedgerDelta>;

export const addDeltas = (a: LedgerDelta, b: LedgerDelta): LedgerDelta => {
  const sum: Record<keyof LedgerDelta, bigint> = { ...ZERO_DELTA };
  for (const field of LEDGER_DELTA_FIELDS) sum[field] = a[field] + b[field];
  return sum;
};

const delta = (fields: Partial<LedgerDelta>): LedgerDelta => ({ ...ZERO_DELTA, ...fields });

type Data = Readonly<Record<string, unknown>>;

const int = (data: Data, field: string): bigint => {
  const value = data[field];
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?(0|[1-9][0-9]*)$/.test(value)) return BigInt(value);
  throw new MalformedUsageError(`${field} is not an integer`);
};

const text = (data: Data, field: string): string => {
  const value = data[field];
  if (typeof value !== 'string' || value.length === 0)
    throw new MalformedUsageError(`${field} is not a non-empty string`);
  return value;
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
 *
 * - UsageRecorded: one request, its tokens, cost and charge; forwarded to Lago.
 * - UsageRepriced: a price correction of one request; adds its deltas (`deltaCostMicros`,
 *   `deltaChargedMicros`, against the request's previous correction or its usage) to cost and charge.
 *   Forwarded to Lago as an event of its own (transaction id = the correction's event id) carrying the
 *   delta, timestamped when the correction was made: a billed period is never rewritten, the
 *   difference lands in the period it was found in.
 * - CreditsGranted: credit added to the gateway's own wallet (admin, promotion, purchase); not usage,
 *   so never sent to Lago.
 * - CreditsPurchased: a confirmed payment. The credit it buys arrives as its own CreditsGranted (kind
 *   purchase, grant id `purchase-{purchaseId}`, appended with it), which is what adds to
 *   grantedMicros; the purchase itself only counts the payment (purchases, paidMicros), so the money
 *   is counted once. Not sent to Lago.
 */
export const LEDGER_ENTRY_KINDS: Readonly<Record<string, LedgerEntryKind>> = {
  UsageRecorded: {
    delta: (data) =>
      delta({
        requests: 1n,
        promptTokens: int(data, 'promptTokens'),
        completionTokens: int(data, 'completionTokens'),
        cachedTokens: int(data, 'cachedTokens'),
        providerCostMicros: int(data, 'providerCostMicros'),
        chargedMicros: int(data, 'chargedMicros'),
      }),
    lagoProperties: (data) => ({
      event_kind: 'usage',
      request_id: text(data, 'requestId'),
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
  UsageRepriced: {
    delta: (data) =>
      delta({
        corrections: 1n,
        providerCostMicros: int(data, 'deltaCostMicros'),
        chargedMicros: int(data, 'deltaChargedMicros'),
      }),
    // The same money properties as usage, holding the delta, so a sum over charged_micros (or
    // provider_cost_micros) is right with corrections in it; tokens do not change (0).
    lagoProperties: (data) => ({
      event_kind: 'correction',
      request_id: text(data, 'requestId'),
      prompt_tokens: 0,
      completion_tokens: 0,
      cached_tokens: 0,
      total_tokens: 0,
      provider_cost_micros: int(data, 'deltaCostMicros').toString(),
      charged_micros: int(data, 'deltaChargedMicros').toString(),
      delta_provider_cost_micros: int(data, 'deltaCostMicros').toString(),
      delta_charged_micros: int(data, 'deltaChargedMicros').toString(),
      model: text(data, 'modelId'),
      price_version: Number(int(data, 'priceVersion')),
      previous_price_version: Number(int(data, 'previousPriceVersion')),
    }),
  },
  CreditsGranted: {
    delta: (data) => delta({ grants: 1n, grantedMicros: int(data, 'amountMicros') }),
  },
  CreditsPurchased: {
    delta: (data) => delta({ purchases: 1n, paidMicros: int(data, 'priceMicros') }),
  },
};

/**
 * Types on the topic that move no money in this ledger: passed over without being recorded (like an
 * unknown type, but expected, so logged at debug). CheckoutStarted is a pending purchase (the money
 * comes with CreditsPurchased); ChargeSettled repeats the charge its request's UsageRecorded already
 * carries (adding it would count the charge twice); SpendingCapReached is a notice.
 */
export const INFORMATIONAL_TYPES: ReadonlySet<string> = new Set([
  'CheckoutStarted',
  'ChargeSettled',
  'SpendingCapReached',
]);

/** What the consumer does with one envelope. */
export type LedgerEffect =
  | { readonly kind: 'ledger'; readonly delta: LedgerDelta; readonly lago: LagoEvent | null }
  | { readonly kind: 'informational' }
  | { readonly kind: 'unknown' };

/**
 * The ledger effect of one envelope, and its Lago event when `lagoMetricCode` is given (null: Lago
 * is off). Pure. Throws MalformedUsageError when a ledger type's data lacks what it needs.
 */
export function ledgerEffect(envelope: IntegrationEnvelope, lagoMetricCode: string | null): LedgerEffect {
  if (Object.prototype.hasOwnProperty.call(LEDGER_ENTRY_KINDS, envelope.type)) {
    const kind = LEDGER_ENTRY_KINDS[envelope.type]!;
    return {
      kind: 'ledger',
      delta: kind.delta(envelope.data),
      lago: lagoMetricCode === null ? null : toLagoEvent(envelope, kind, lagoMetricCode),
    };
  }
  return INFORMATIONAL_TYPES.has(envelope.type) ? { kind: 'informational' } : { kind: 'unknown' };
}

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
