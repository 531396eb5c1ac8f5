import type { RecordedEvent } from '@gw/shared-kernel';
import type { UsageRepriced } from '../../pricing/usage-repriced.events';
import type { CreditsGranted } from '../credits.events';

/** One movement of a user's credits, as the ledger shows it. */
export interface CreditLedgerEntry {
  /** The grant's event id, or the request id of a charge. */
  readonly entryId: string;
  readonly userId: string;
  readonly at: Date;
  readonly kind: 'admin' | 'promotion' | 'purchase' | 'charge';
  /** Signed: grants add, charges take away. */
  readonly amountMicros: bigint;
  /** The grant id, or the request id a charge belongs to. */
  readonly reference: string;
  readonly description: string;
}

export const CREDIT_LEDGER_EVENT_TYPES: ReadonlySet<string> = new Set([
  'CreditsGranted',
  'UsageRecorded',
  'UsageRepriced',
  'ChargeSettled',
]);

/** What an event does to a user's credits: what it grants, and what it charges (and in which month). */
export interface CreditMovement {
  readonly userId: string;
  readonly grantedMicros: bigint;
  readonly chargedMicros: bigint;
  /** A ChargeSettled: what the budget store counted as settled, and its cap month. */
  readonly settled?: { readonly micros: bigint; readonly month: string };
  /** The grant as a ledger entry (charges are listed from usage_facts, not stored twice). */
  readonly grant?: CreditLedgerEntry;
}

interface ChargedUsage {
  readonly userId: string;
  readonly chargedMicros: string;
}

/**
 * The movement an event makes (pure), or undefined: a grant adds its amount, a request's charge takes
 * it away, a correction moves the charge by its delta.
 */
export function creditMovementOf(event: RecordedEvent): CreditMovement | undefined {
  switch (event.type) {
    case 'CreditsGranted': {
      const d = (event as unknown as CreditsGranted).data;
      const amount = BigInt(d.amountMicros);
      return {
        userId: d.userId,
        grantedMicros: amount,
        chargedMicros: 0n,
        grant: {
          entryId: event.id,
          userId: d.userId,
          at: event.occurredAt,
          kind: d.kind,
          amountMicros: amount,
          reference: d.grantId,
          description: d.reason,
        },
      };
    }
    case 'UsageRecorded': {
      const d = event.data as ChargedUsage;
      const charged = BigInt(d.chargedMicros);
      return charged === 0n ? undefined : { userId: d.userId, grantedMicros: 0n, chargedMicros: charged };
    }
    case 'ChargeSettled': {
      const d = event.data as { userId: string; chargedMicros: string; month: string };
      return {
        userId: d.userId,
        grantedMicros: 0n,
        chargedMicros: 0n,
        settled: { micros: BigInt(d.chargedMicros), month: d.month },
      };
    }
    case 'UsageRepriced': {
      const d = (event as unknown as UsageRepriced).data;
      const delta = BigInt(d.deltaChargedMicros);
      return delta === 0n ? undefined : { userId: d.userId, grantedMicros: 0n, chargedMicros: delta };
    }
    default:
      return undefined;
  }
}

/** `YYYY-MM` of a time, in UTC: the month a charge counts against a monthly cap. */
export const monthOf = (at: Date): string => at.toISOString().slice(0, 7);
