import type { Knex } from 'knex';
import { toBigInt } from '@gw/database';
import { USAGE_FACTS_TABLE } from '../../analytics/facts/usage-analytics.tables';
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

/**
 * Newest first, keyset-paginated by (time, id): grants from credit_ledger and charges from usage_facts
 * (a request's charge as it stands, corrections included), merged. Each side is read newest first
 * through its own index and cut at the page size, so a page costs two short index scans.
 */
export async function readCreditLedger(
  db: Knex,
  userId: string,
  page: { readonly before?: { at: Date; entryId: string }; readonly limit: number },
): Promise<LedgerPage> {
  const take = page.limit + 1;
  const before = page.before;
  const grants = db<LedgerRow>(CREDIT_LEDGER_TABLE)
    .select('entry_id', 'user_id', 'at', 'kind', 'amount_micros', 'reference', 'description')
    .where({ user_id: userId })
    .orderBy([
      { column: 'at', order: 'desc' },
      { column: 'entry_id', order: 'desc' },
    ])
    .limit(take);
  const charges = db(USAGE_FACTS_TABLE)
    .select(
      db.raw('request_id as entry_id'),
      'user_id',
      db.raw('occurred_at as at'),
      db.raw("'charge' as kind"),
      db.raw('-charged_micros as amount_micros'),
      db.raw('request_id as reference'),
      db.raw('model_id as description'),
    )
    .where({ user_id: userId })
    .whereNot('outcome', 'routed')
    .whereNot('charged_micros', 0)
    .orderBy([
      { column: 'occurred_at', order: 'desc' },
      { column: 'request_id', order: 'desc' },
    ])
    .limit(take);
  if (before) {
    grants.whereRaw('(at, entry_id) < (?, ?)', [before.at, before.entryId]);
    charges.whereRaw('(occurred_at, request_id) < (?, ?)', [before.at, before.entryId]);
  }
  const [g, c] = await Promise.all([grants, charges]);
  const rows = ([...g, ...c] as LedgerRow[])
    .map((r): CreditLedgerEntry => ({
      entryId: r.entry_id,
      userId: r.user_id,
      at: new Date(r.at),
      kind: r.kind,
      amountMicros: toBigInt(r.amount_micros),
      reference: r.reference,
      description: r.description,
    }))
    .sort(
      (a, b) =>
        b.at.getTime() - a.at.getTime() || (a.entryId < b.entryId ? 1 : a.entryId > b.entryId ? -1 : 0),
    )
    .slice(0, take);
  const entries = rows.slice(0, page.limit);
  return {
    entries,
    nextCursor: rows.length > page.limit ? encodeCursor(entries[entries.length - 1]!) : null,
  };
}
