import type { RecordedEvent } from '@gw/shared-kernel';
import type { UsageRepriced } from '../../pricing/usage-repriced.events';
import type { CreditsGranted } from '../credits.events';

/** One movement of a user's credits, as the ledger read model keeps it. */
export interface CreditLedgerEntry {
  /** The event behind it (a redelivered event is the same entry). */
  readonly entryId: string;
  readonly userId: string;
  readonly at: Date;
  readonly kind: 'admin' | 'promotion' | 'purchase' | 'charge' | 'correction';
  /** Signed: grants add, charges take away, corrections either. */
  readonly amountMicros: bigint;
  /** The grant id, or the request id a charge belongs to. */
  readonly reference: string;
  readonly description: string;
}

export const CREDIT_LEDGER_EVENT_TYPES: ReadonlySet<string> = new Set([
  'CreditsGranted',
  'UsageRecorded',
  'UsageRepriced',
]);

interface ChargedUsage {
  readonly requestId: string;
  readonly userId: string;
  readonly modelId: string;
  readonly chargedMicros: string;
}

/**
 * The ledger entry an event makes (pure), or undefined: a grant adds its amount, a request's charge
 * takes it away (nothing for a request charged nothing), a correction moves the charge by its delta.
 */
export function ledgerEntryOf(event: RecordedEvent): CreditLedgerEntry | undefined {
  const base = { entryId: event.id, at: event.occurredAt };
  switch (event.type) {
    case 'CreditsGranted': {
      const d = (event as unknown as CreditsGranted).data;
      return {
        ...base,
        userId: d.userId,
        kind: d.kind,
        amountMicros: BigInt(d.amountMicros),
        reference: d.grantId,
        description: d.reason,
      };
    }
    case 'UsageRecorded': {
      const d = event.data as ChargedUsage;
      const charged = BigInt(d.chargedMicros);
      if (charged === 0n) return undefined;
      return {
        ...base,
        userId: d.userId,
        kind: 'charge',
        amountMicros: -charged,
        reference: d.requestId,
        description: d.modelId,
      };
    }
    case 'UsageRepriced': {
      const d = (event as unknown as UsageRepriced).data;
      const delta = BigInt(d.deltaChargedMicros);
      if (delta === 0n) return undefined;
      return {
        ...base,
        userId: d.userId,
        kind: 'correction',
        amountMicros: -delta,
        reference: d.requestId,
        description: `${d.modelId} repriced: ${d.reason}`,
      };
    }
    default:
      return undefined;
  }
}

/** `YYYY-MM` of a time, in UTC: the month a charge counts against a monthly cap. */
export const monthOf = (at: Date): string => at.toISOString().slice(0, 7);
