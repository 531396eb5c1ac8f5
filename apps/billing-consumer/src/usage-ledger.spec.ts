import { randomUUID } from 'node:crypto';
import type { IntegrationEnvelope } from '@gw/messaging';
import { creditsDecider, type CreditsEvent } from '@gw/usage-billing';
import {
  addDeltas,
  ledgerEffect,
  MalformedUsageError,
  ZERO_DELTA,
  type LedgerDelta,
  type LedgerEffect,
} from './usage-ledger';

const userId = randomUUID();
const requestId = randomUUID();
const at = '2026-12-10T12:00:00.000Z';

const envelope = (type: string, data: Record<string, unknown>, occurredAt = at): IntegrationEnvelope => ({
  eventId: randomUUID(),
  type,
  version: 1,
  occurredAt,
  userId,
  streamId: `request-${requestId}`,
  streamRevision: '0',
  correlationId: requestId,
  data,
});

const usage = (chargedMicros: string, providerCostMicros = '1234') =>
  envelope('UsageRecorded', {
    requestId,
    userId,
    provider: 'openai',
    modelId: 'openai/gpt-4o-mini',
    powerLevel: 'balanced',
    keySource: 'platform',
    promptTokens: 12,
    completionTokens: 30,
    cachedTokens: 2,
    providerCostMicros,
    chargedMicros,
  });

const repriced = (deltaCostMicros: string, deltaChargedMicros: string, occurredAt = at) =>
  envelope(
    'UsageRepriced',
    {
      requestId,
      userId,
      modelId: 'openai/gpt-4o-mini',
      priceVersion: 3,
      previousPriceVersion: 2,
      providerCostMicros: '0',
      chargedMicros: '0',
      previousProviderCostMicros: '0',
      previousChargedMicros: '0',
      deltaCostMicros,
      deltaChargedMicros,
      reason: 'price fixed',
      repricedAt: occurredAt,
    },
    occurredAt,
  );

const granted = (amountMicros: string, kind = 'admin') =>
  envelope('CreditsGranted', {
    userId,
    grantId: randomUUID(),
    kind,
    amountMicros,
    reason: 'welcome',
    grantedBy: 'admin',
    grantedAt: at,
  });

const deltaOf = (effect: LedgerEffect): LedgerDelta => {
  if (effect.kind !== 'ledger') throw new Error(`expected a ledger effect, got ${effect.kind}`);
  return effect.delta;
};
const total = (envelopes: readonly IntegrationEnvelope[]): LedgerDelta =>
  envelopes.map((e) => deltaOf(ledgerEffect(e, null))).reduce(addDeltas, ZERO_DELTA);

describe('ledgerEffect', () => {
  it('usage adds one request, its tokens, cost and charge', () => {
    expect(deltaOf(ledgerEffect(usage('2468'), null))).toEqual({
      ...ZERO_DELTA,
      requests: 1n,
      promptTokens: 12n,
      completionTokens: 30n,
      cachedTokens: 2n,
      providerCostMicros: 1234n,
      chargedMicros: 2468n,
    });
  });

  it('a correction adjusts cost and charge by its deltas (down as well as up), and counts as a correction, not a request', () => {
    const ledger = total([usage('2468'), repriced('2500', '1000'), repriced('-3000', '-1200')]);
    expect(ledger).toEqual({
      ...ZERO_DELTA,
      requests: 1n,
      promptTokens: 12n,
      completionTokens: 30n,
      cachedTokens: 2n,
      providerCostMicros: 1234n + 2500n - 3000n,
      chargedMicros: 2468n + 1000n - 1200n,
      corrections: 2n,
    });
  });

  it('money beyond 2^53 stays exact', () => {
    const big = '9007199254740993'; // 2^53 + 1
    expect(total([usage(big), repriced('0', big)]).chargedMicros).toBe(2n * 9007199254740993n);
  });

  it('a grant adds to granted, whatever its kind', () => {
    expect(total([granted('5000000'), granted('250000', 'promotion')])).toEqual({
      ...ZERO_DELTA,
      grants: 2n,
      grantedMicros: 5_250_000n,
    });
  });

  it('a purchase as the credits decider emits it (CreditsPurchased + its CreditsGranted) grants its credit once and counts the payment', () => {
    const now = new Date(at);
    const pkg = { id: 'credits-50', priceMicros: 50_000_000n, credits: 55_000 };
    const [started] = creditsDecider.decide(
      {
        type: 'StartCheckout',
        data: { userId, purchaseId: 'pur_1', package: pkg, packageId: pkg.id, microsPerCredit: 1_000n },
        metadata: { now },
      },
      creditsDecider.initialState(),
    );
    const state = creditsDecider.evolve(creditsDecider.initialState(), started!);
    const completed = creditsDecider.decide(
      {
        type: 'CompletePurchase',
        data: { userId, purchaseId: 'pur_1', paymentId: 'pay_1', paidMicros: '50000000' },
        metadata: { now },
      },
      state,
    );
    expect(completed.map((e) => e.type).sort()).toEqual(['CreditsGranted', 'CreditsPurchased']);
    const envelopes = [started!, ...completed].map((e: CreditsEvent) =>
      envelope(e.type, e.data as unknown as Record<string, unknown>),
    );

    expect(ledgerEffect(envelopes[0]!, null)).toEqual({ kind: 'informational' }); // CheckoutStarted
    expect(total(envelopes.slice(1))).toEqual({
      ...ZERO_DELTA,
      grants: 1n,
      grantedMicros: 55_000_000n, // 55,000 credits × $0.001, not twice
      purchases: 1n,
      paidMicros: 50_000_000n,
    });
  });

  it.each(['CheckoutStarted', 'ChargeSettled', 'SpendingCapReached'])(
    '%s moves no money: informational',
    (type) => {
      const data = {
        userId,
        requestId,
        chargedMicros: '2468',
        reservedMicros: '9000',
        month: '2026-12',
        amountMicros: '10000000',
        monthlyCapMicros: '1000000',
        monthSpendMicros: '1000001',
        capMode: 'hard',
      };
      expect(ledgerEffect(envelope(type, data), 'llm_usage')).toEqual({ kind: 'informational' });
    },
  );

  it('a type it does not know is unknown (not recorded, so a later version can replay it)', () => {
    expect(ledgerEffect(envelope('UsageRecordedV2', {}), 'llm_usage')).toEqual({ kind: 'unknown' });
    expect(ledgerEffect(envelope('toString', {}), null)).toEqual({ kind: 'unknown' });
  });

  it('refuses a correction without an integer delta, and a grant without an amount', () => {
    const { data } = repriced('1', '1');
    expect(() =>
      ledgerEffect({ ...repriced('1', '1'), data: { ...data, deltaChargedMicros: '1.5' } }, null),
    ).toThrow(MalformedUsageError);
    expect(() => ledgerEffect(envelope('CreditsGranted', { userId }), null)).toThrow(/amountMicros/);
    expect(() => ledgerEffect(envelope('CreditsPurchased', { userId, amountMicros: '1' }), null)).toThrow(
      /priceMicros/,
    );
  });
});

describe('Lago events', () => {
  it('usage: transaction id = event id, its tokens and money', () => {
    const message = usage('2468');
    const effect = ledgerEffect(message, 'llm_usage');
    expect(effect).toMatchObject({
      kind: 'ledger',
      lago: {
        event: {
          transaction_id: message.eventId,
          external_subscription_id: userId,
          code: 'llm_usage',
          timestamp: Date.parse(at) / 1000,
          properties: {
            event_kind: 'usage',
            request_id: requestId,
            charged_micros: '2468',
            total_tokens: 42,
          },
        },
      },
    });
  });

  it('a correction is an event of its own: its own transaction id and time, the delta as its money', () => {
    const correctedAt = '2027-01-03T09:30:00.000Z';
    const message = repriced('-500', '-200', correctedAt);
    const effect = ledgerEffect(message, 'llm_usage');
    expect(effect.kind === 'ledger' && effect.lago).toEqual({
      event: {
        transaction_id: message.eventId,
        external_subscription_id: userId,
        code: 'llm_usage',
        timestamp: Date.parse(correctedAt) / 1000,
        properties: {
          event_kind: 'correction',
          request_id: requestId,
          model: 'openai/gpt-4o-mini',
          price_version: 3,
          previous_price_version: 2,
          prompt_tokens: 0,
          completion_tokens: 0,
          cached_tokens: 0,
          total_tokens: 0,
          provider_cost_micros: '-500',
          charged_micros: '-200',
          delta_provider_cost_micros: '-500',
          delta_charged_micros: '-200',
        },
      },
    });
  });

  it('credits are the gateway wallet, not usage: never sent to Lago', () => {
    for (const message of [
      granted('5000000'),
      envelope('CreditsPurchased', { userId, priceMicros: '10000000', amountMicros: '10000000' }),
    ]) {
      const effect = ledgerEffect(message, 'llm_usage');
      expect(effect.kind).toBe('ledger');
      expect(effect.kind === 'ledger' && effect.lago).toBeNull();
    }
  });

  it('with Lago off nothing has a Lago event', () => {
    expect(ledgerEffect(usage('1'), null)).toMatchObject({ kind: 'ledger', lago: null });
    expect(ledgerEffect(repriced('1', '1'), null)).toMatchObject({ kind: 'ledger', lago: null });
  });
});
