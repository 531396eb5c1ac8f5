import {
  assertNever,
  IllegalStateError,
  NotFoundError,
  ValidationError,
  type Decider,
} from '@gw/shared-kernel';
import type { CreditPackage } from '../pricing/billing-policy';
import type { CreditsEvent, CreditsGranted, GrantKind, SpendingCapReached } from './credits.events';

/** The most one grant may add: $1M. */
export const MAX_GRANT_MICROS = 1_000_000_000_000n;
const MICROS = /^[1-9]\d{0,18}$/;

export type CreditsCommand =
  | {
      readonly type: 'GrantCredits';
      readonly data: {
        readonly userId: string;
        readonly grantId: string;
        readonly kind: Exclude<GrantKind, 'purchase'>;
        readonly amountMicros: string;
        readonly reason: string;
        readonly by: string;
      };
      readonly metadata: { readonly now: Date };
    }
  | {
      readonly type: 'StartCheckout';
      readonly data: {
        readonly userId: string;
        readonly purchaseId: string;
        /** The package as the billing policy has it now; undefined: no such package. */
        readonly package: CreditPackage | undefined;
        readonly packageId: string;
        readonly microsPerCredit: bigint;
      };
      readonly metadata: { readonly now: Date };
    }
  | {
      readonly type: 'CompletePurchase';
      readonly data: {
        readonly userId: string;
        readonly purchaseId: string;
        readonly paymentId: string;
        /** What the payment provider says was paid. */
        readonly paidMicros: string;
      };
      readonly metadata: { readonly now: Date };
    }
  | {
      readonly type: 'RecordSpendingCapReached';
      readonly data: Omit<SpendingCapReached['data'], 'reachedAt'>;
      readonly metadata: { readonly now: Date };
    };

interface Purchase {
  readonly packageId: string;
  readonly priceMicros: string;
  readonly credits: number;
  readonly amountMicros: string;
  readonly paymentId?: string;
}

export interface CreditsState {
  /** grant id → the grant (a grant id counts once). */
  readonly grants: ReadonlyMap<string, CreditsGranted['data']>;
  readonly purchases: ReadonlyMap<string, Purchase>;
  /** Months (YYYY-MM) a SpendingCapReached was recorded for. */
  readonly capReached: ReadonlySet<string>;
}

const initialState = (): CreditsState => ({ grants: new Map(), purchases: new Map(), capReached: new Set() });

function evolve(state: CreditsState, event: CreditsEvent): CreditsState {
  switch (event.type) {
    case 'CreditsGranted':
      return { ...state, grants: new Map([...state.grants, [event.data.grantId, event.data]]) };
    case 'CheckoutStarted': {
      const { purchaseId, packageId, priceMicros, credits, amountMicros } = event.data;
      return {
        ...state,
        purchases: new Map([
          ...state.purchases,
          [purchaseId, { packageId, priceMicros, credits, amountMicros }],
        ]),
      };
    }
    case 'CreditsPurchased': {
      const pending = state.purchases.get(event.data.purchaseId);
      if (!pending) return state;
      return {
        ...state,
        purchases: new Map([
          ...state.purchases,
          [event.data.purchaseId, { ...pending, paymentId: event.data.paymentId }],
        ]),
      };
    }
    case 'SpendingCapReached':
      return { ...state, capReached: new Set([...state.capReached, event.data.month]) };
    default:
      return assertNever(event);
  }
}

/**
 * A user's credits (stream `credits-{userId}`), pure. A grant id or a payment counts once: granting
 * the same grant id again, or completing a purchase already paid, records nothing (replayed webhooks,
 * retried requests). A purchase completes only for the amount its checkout asked.
 */
function decide(command: CreditsCommand, state: CreditsState): CreditsEvent[] {
  const at = command.metadata.now.toISOString();
  switch (command.type) {
    case 'GrantCredits': {
      const { userId, grantId, kind, amountMicros, reason, by } = command.data;
      if (!MICROS.test(amountMicros) || BigInt(amountMicros) > MAX_GRANT_MICROS)
        throw new ValidationError(
          'BILLING.INVALID_AMOUNT',
          'amountMicros must be a positive whole number of micro-dollars as a string, at most 1000000000000 ($1M), e.g. "5000000" for $5',
          { param: 'amountMicros' },
        );
      if (reason.trim().length === 0 || reason.length > 500)
        throw new ValidationError('BILLING.INVALID_REASON', 'reason must be 1–500 characters', {
          param: 'reason',
        });
      if (state.grants.has(grantId)) return [];
      return [
        {
          type: 'CreditsGranted',
          data: { userId, grantId, kind, amountMicros, reason, grantedBy: by, grantedAt: at },
        },
      ];
    }
    case 'StartCheckout': {
      const { userId, purchaseId, package: pkg, packageId, microsPerCredit } = command.data;
      if (!pkg)
        throw new NotFoundError('BILLING.PACKAGE_NOT_FOUND', `There is no credit package \`${packageId}\``, {
          param: 'packageId',
        });
      return [
        {
          type: 'CheckoutStarted',
          data: {
            userId,
            purchaseId,
            packageId: pkg.id,
            priceMicros: pkg.priceMicros.toString(),
            credits: pkg.credits,
            amountMicros: (BigInt(pkg.credits) * microsPerCredit).toString(),
            startedAt: at,
          },
        },
      ];
    }
    case 'CompletePurchase': {
      const { userId, purchaseId, paymentId, paidMicros } = command.data;
      const purchase = state.purchases.get(purchaseId);
      if (!purchase)
        throw new NotFoundError('BILLING.PURCHASE_NOT_FOUND', `There is no checkout \`${purchaseId}\``, {
          param: 'purchaseId',
        });
      if (purchase.paymentId !== undefined) {
        if (purchase.paymentId === paymentId) return []; // the same payment again: granted once
        throw new IllegalStateError(
          'BILLING.PURCHASE_ALREADY_PAID',
          `The checkout ${purchaseId} was already paid by another payment`,
        );
      }
      if (paidMicros !== purchase.priceMicros)
        throw new ValidationError(
          'BILLING.PAYMENT_AMOUNT_MISMATCH',
          `The payment is for ${paidMicros} micro-dollars; the checkout asked ${purchase.priceMicros}`,
          { param: 'amountMicros' },
        );
      return [
        {
          type: 'CreditsPurchased',
          data: { userId, purchaseId, paymentId, ...purchase, purchasedAt: at },
        },
        {
          type: 'CreditsGranted',
          data: {
            userId,
            grantId: `purchase-${purchaseId}`,
            kind: 'purchase',
            amountMicros: purchase.amountMicros,
            reason: `${purchase.credits} credits (${purchase.packageId})`,
            paymentId,
            grantedBy: 'payment',
            grantedAt: at,
          },
        },
      ];
    }
    case 'RecordSpendingCapReached':
      if (state.capReached.has(command.data.month)) return []; // once per month
      return [{ type: 'SpendingCapReached', data: { ...command.data, reachedAt: at } }];
    default:
      return assertNever(command);
  }
}

export const creditsDecider: Decider<CreditsCommand, CreditsEvent, CreditsState> = {
  initialState,
  evolve,
  decide,
};
