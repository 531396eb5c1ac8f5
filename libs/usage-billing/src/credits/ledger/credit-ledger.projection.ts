import type { Knex } from 'knex';
import type { Projection } from '@gw/projections';
import type { RecordedEvent } from '@gw/shared-kernel';
import {
  CREDIT_LEDGER_EVENT_TYPES,
  ledgerEntryOf,
  monthOf,
  type CreditLedgerEntry,
} from './credit-ledger.entries';

export const CREDIT_LEDGER_TABLE = 'credit_ledger';
export const CREDIT_BALANCES_TABLE = 'credit_balances';
export const CREDIT_MONTH_SPEND_TABLE = 'credit_month_spend';

/**
 * Inserts the batch's entries (keyed by event id, so a redelivered event inserts nothing) and moves
 * the totals by exactly the entries that were new: replays and overlaps never count twice.
 */
async function applyCreditLedger(trx: Knex.Transaction, events: readonly RecordedEvent[]): Promise<void> {
  const entries = events.map(ledgerEntryOf).filter((e): e is CreditLedgerEntry => e !== undefined);
  if (entries.length === 0) return;
  const inserted = new Set(
    (
      await trx(CREDIT_LEDGER_TABLE)
        .insert(
          entries.map((e) => ({
            entry_id: e.entryId,
            user_id: e.userId,
            at: e.at,
            kind: e.kind,
            amount_micros: e.amountMicros.toString(),
            reference: e.reference,
            description: e.description,
          })),
        )
        .onConflict('entry_id')
        .ignore()
        .returning('entry_id')
    ).map((r: { entry_id: string }) => r.entry_id),
  );
  const balances = new Map<string, { granted: bigint; charged: bigint }>();
  const months = new Map<string, bigint>();
  for (const e of entries) {
    if (!inserted.has(e.entryId)) continue;
    const b = balances.get(e.userId) ?? { granted: 0n, charged: 0n };
    const grant = e.kind === 'admin' || e.kind === 'promotion' || e.kind === 'purchase';
    balances.set(
      e.userId,
      grant ? { ...b, granted: b.granted + e.amountMicros } : { ...b, charged: b.charged - e.amountMicros },
    );
    if (!grant) {
      const key = JSON.stringify([e.userId, monthOf(e.at)]);
      months.set(key, (months.get(key) ?? 0n) - e.amountMicros);
    }
  }
  if (balances.size > 0)
    await trx(CREDIT_BALANCES_TABLE)
      .insert(
        [...balances].map(([userId, b]) => ({
          user_id: userId,
          granted_micros: b.granted.toString(),
          charged_micros: b.charged.toString(),
        })),
      )
      .onConflict('user_id')
      .merge({
        granted_micros: trx.raw('?? + excluded.granted_micros', [`${CREDIT_BALANCES_TABLE}.granted_micros`]),
        charged_micros: trx.raw('?? + excluded.charged_micros', [`${CREDIT_BALANCES_TABLE}.charged_micros`]),
        updated_at: trx.fn.now(),
      });
  if (months.size > 0)
    await trx(CREDIT_MONTH_SPEND_TABLE)
      .insert(
        [...months].map(([key, charged]) => {
          const [userId, month] = JSON.parse(key) as [string, string];
          return { user_id: userId, month, charged_micros: charged.toString() };
        }),
      )
      .onConflict(['user_id', 'month'])
      .merge({
        charged_micros: trx.raw('?? + excluded.charged_micros', [
          `${CREDIT_MONTH_SPEND_TABLE}.charged_micros`,
        ]),
      });
}

/** credit_ledger, credit_balances, credit_month_spend: GET /api/v1/me/credits and its ledger. */
export const creditLedgerProjection: Projection = {
  name: 'credit-ledger',
  version: 1,
  tables: [CREDIT_LEDGER_TABLE, CREDIT_BALANCES_TABLE, CREDIT_MONTH_SPEND_TABLE],
  handles: CREDIT_LEDGER_EVENT_TYPES,
  apply: applyCreditLedger,
};
