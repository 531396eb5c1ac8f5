import { IllegalStateError, NotFoundError, ValidationError } from '@gw/shared-kernel';
import { deciderSpec } from '@gw/shared-kernel/testing';
import { DEFAULT_BILLING_POLICY } from '../pricing/billing-policy';
import { creditsDecider, type CreditsCommand } from './credits.decider';
import type { CreditsEvent } from './credits.events';

const now = new Date('2026-12-01T12:00:00.000Z');
const at = now.toISOString();
const given = deciderSpec(creditsDecider);
const grant = (grantId: string, amountMicros = '5000000'): CreditsCommand => ({
  type: 'GrantCredits',
  data: { userId: 'u1', grantId, kind: 'admin', amountMicros, reason: 'welcome', by: 'admin' },
  metadata: { now },
});
const checkout = (packageId = 'credits-50'): CreditsCommand => ({
  type: 'StartCheckout',
  data: {
    userId: 'u1',
    purchaseId: 'p1',
    packageId,
    package: DEFAULT_BILLING_POLICY.creditPackages.find((p) => p.id === packageId),
    microsPerCredit: 1_000n,
  },
  metadata: { now },
});
const pay = (paymentId = 'pay_1', paidMicros = '50000000'): CreditsCommand => ({
  type: 'CompletePurchase',
  data: { userId: 'u1', purchaseId: 'p1', paymentId, paidMicros },
  metadata: { now },
});
const started: CreditsEvent = {
  type: 'CheckoutStarted',
  data: {
    userId: 'u1',
    purchaseId: 'p1',
    packageId: 'credits-50',
    priceMicros: '50000000',
    credits: 55_000,
    amountMicros: '55000000',
    startedAt: at,
  },
};
const purchased: CreditsEvent[] = [
  {
    type: 'CreditsPurchased',
    data: {
      userId: 'u1',
      purchaseId: 'p1',
      paymentId: 'pay_1',
      packageId: 'credits-50',
      priceMicros: '50000000',
      credits: 55_000,
      amountMicros: '55000000',
      purchasedAt: at,
    },
  },
  {
    type: 'CreditsGranted',
    data: {
      userId: 'u1',
      grantId: 'purchase-p1',
      kind: 'purchase',
      amountMicros: '55000000',
      reason: '55000 credits (credits-50)',
      paymentId: 'pay_1',
      grantedBy: 'payment',
      grantedAt: at,
    },
  },
];

describe('credits decider', () => {
  it('grants once per grant id', () => {
    const granted: CreditsEvent = {
      type: 'CreditsGranted',
      data: {
        userId: 'u1',
        grantId: 'g1',
        kind: 'admin',
        amountMicros: '5000000',
        reason: 'welcome',
        grantedBy: 'admin',
        grantedAt: at,
      },
    };
    given([]).when(grant('g1')).then([granted]);
    given([granted]).when(grant('g1')).then([]);
  });

  it.each([['0'], ['-5'], ['1.5'], ['1000000000001'], ['abc']])('refuses a grant of %s', (amount) =>
    given([]).when(grant('g1', amount)).thenThrows(ValidationError, 'BILLING.INVALID_AMOUNT'),
  );

  it('a checkout is pending at the package’s price and worth its credits', () => {
    given([]).when(checkout()).then([started]);
    given([]).when(checkout('credits-7')).thenThrows(NotFoundError, 'BILLING.PACKAGE_NOT_FOUND');
  });

  it('a payment of the checkout’s price buys its credits exactly once', () => {
    given([started]).when(pay()).then(purchased);
    given([started, ...purchased])
      .when(pay())
      .then([]); // the same payment again (a replayed webhook)
    given([started, ...purchased])
      .when(pay('pay_2'))
      .thenThrows(IllegalStateError, 'BILLING.PURCHASE_ALREADY_PAID');
  });

  it('refuses a payment of another amount or for no checkout', () => {
    given([started])
      .when(pay('pay_1', '10000000'))
      .thenThrows(ValidationError, 'BILLING.PAYMENT_AMOUNT_MISMATCH');
    given([]).when(pay()).thenThrows(NotFoundError, 'BILLING.PURCHASE_NOT_FOUND');
  });
});
