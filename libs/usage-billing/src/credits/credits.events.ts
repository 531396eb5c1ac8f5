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

export type CreditsEvent = CreditsGranted | CheckoutStarted | CreditsPurchased;

export const CREDITS_EVENT_TYPES: readonly CreditsEvent['type'][] = [
  'CreditsGranted',
  'CheckoutStarted',
  'CreditsPurchased',
];
