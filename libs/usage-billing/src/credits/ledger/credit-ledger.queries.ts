import type { Knex } from 'knex';
import { toBigInt } from '@gw/database';
import {
  CREDIT_BALANCES_TABLE,
  CREDIT_LEDGER_TABLE,
  CREDIT_MONTH_SPEND_TABLE,
} from './credit-ledger.projection';
import type { CreditLedgerEntry } from './credit-ledger.entries';

export interface CreditTotals {
  readonly grantedMicros: bigint;
  readonly chargedMicros: bigint;
  /** Charged in the given month (UTC). */
  readonly monthSpendMicros: bigint;
}

/** A user's totals from the read model (zeros for a user who has none yet). */
export async function readCreditTotals(db: Knex, userId: string, month: string): Promise<CreditTotals> {
  const [balance, spend] = await Promise.all([
    db(CREDIT_BALANCES_TABLE)
      .where({ user_id: userId })
      .first<{ granted_micros: string | number; charged_micros: string | number } | undefined>(),
    db(CREDIT_MONTH_SPEND_TABLE)
      .where({ user_id: userId, month })
      .first<{ charged_micros: string | number } | undefined>(),
  ]);
  return {
    grantedMicros: balance ? toBigInt(balance.granted_micros) : 0n,
    chargedMicros: balance ? toBigInt(balance.charged_micros) : 0n,
    monthSpendMicros: spend ? toBigInt(spend.charged_micros) : 0n,
  };
}

export interface LedgerPage {
  readonly entries: readonly CreditLedgerEntry[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  readonly nextCursor: string | null;
}

interface LedgerRow {
  entry_id: string;
  user_id: string;
  at: Date | string;
  kind: CreditLedgerEntry['kind'];
  amount_micros: string | number;
  reference: string;
  description: string;
}

const encodeCursor = (e: CreditLedgerEntry): string =>
  Buffer.from(JSON.stringify([e.at.toISOString(), e.entryId])).toString('base64url');

/** The cursor's position, or undefined when it is not one this query made. */
export function decodeLedgerCursor(cursor: string): { at: Date; entryId: string } | undefined {
  try {
    const [at, entryId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof at !== 'string' || typeof entryId !== 'string' || Number.isNaN(Date.parse(at)))
      return undefined;
    return { at: new Date(at), entryId };
  } catch {
    return undefined;
  }
}

/** Newest first, keyset-paginated by (time, entry id): no gaps or repeats while entries arrive. */
export async function readCreditLedger(
  db: Knex,
  userId: string,
  page: { readonly before?: { at: Date; entryId: string }; readonly limit: number },
): Promise<LedgerPage> {
  const query = db<LedgerRow>(CREDIT_LEDGER_TABLE)
    .where({ user_id: userId })
    .orderBy([
      { column: 'at', order: 'desc' },
      { column: 'entry_id', order: 'desc' },
    ])
    .limit(page.limit + 1);
  if (page.before) query.whereRaw('(at, entry_id) < (?, ?)', [page.before.at, page.before.entryId]);
  const rows = await query;
  const entries = rows.slice(0, page.limit).map((r): CreditLedgerEntry => ({
    entryId: r.entry_id,
    userId: r.user_id,
    at: new Date(r.at),
    kind: r.kind,
    amountMicros: toBigInt(r.amount_micros),
    reference: r.reference,
    description: r.description,
  }));
  return {
    entries,
    nextCursor: rows.length > page.limit ? encodeCursor(entries[entries.length - 1]!) : null,
  };
}
