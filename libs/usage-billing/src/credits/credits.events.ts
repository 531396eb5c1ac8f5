import type { DomainEvent } from '@gw/shared-kernel';

/** A user's credits: grants, checkouts and purchases (charges are on each request's own stream). */
export const toCreditsStreamId = (userId: string): string => `credits-${userId}`;

export type GrantKind = 'admin' | 'promotion' | 'purchase';

/** Money as decimal strings of integer micro-dollars. */
export type CreditsGranted = DomainEvent<
  'CreditsGranted',
  {
    userId: string;
    grantId: string;
    kind: GrantKind;
    amountMicros: string;
    reason: string;
    /** The payment that bought it (kind purchase). */
    paymentId?: string;
    grantedBy: string;
    grantedAt: string;
  }
>;

/** A pending purchase of a credit package, waiting for the payment provider's webhook. */
export type CheckoutStarted = DomainEvent<
  'CheckoutStarted',
  {
    userId: string;
    purchaseId: string;
    packageId: string;
    priceMicros: string;
    credits: number;
    /** What the credits are worth (credits × micro-dollars per credit at checkout). */
    amountMicros: string;
    startedAt: string;
  }
>;

/** The payment provider confirmed the payment: appended with the CreditsGranted it buys. */
export type CreditsPurchased = DomainEvent<
  'CreditsPurchased',
  {
    userId: string;
    purchaseId: string;
    paymentId: string;
    packageId: string;
    priceMicros: string;
    credits: number;
    amountMicros: string;
    purchasedAt: string;
  }
>;

/**
 * The user's spend this month (UTC) reached their monthly cap: once per user and month, whichever
 * instance saw it first. A soft cap lets requests pass with a warning; a hard one refuses them.
 */
export type SpendingCapReached = DomainEvent<
  'SpendingCapReached',
  {
    userId: string;
    month: string;
    monthlyCapMicros: string;
    /** What had been spent or held this month when it was reached. */
    monthSpendMicros: string;
    capMode: 'soft' | 'hard';
    reachedAt: string;
  }
>;

export type CreditsEvent = CreditsGranted | CheckoutStarted | CreditsPurchased | SpendingCapReached;

export const CREDITS_EVENT_TYPES: readonly CreditsEvent['type'][] = [
  'CreditsGranted',
  'CheckoutStarted',
  'CreditsPurchased',
  'SpendingCapReached',
];
