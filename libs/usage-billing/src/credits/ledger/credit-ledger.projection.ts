import type { Knex } from 'knex';
import { toBigInt } from '@gw/database';
import { alreadyApplied, type Projection } from '@gw/projections';
import type { Position, RecordedEvent } from '@gw/shared-kernel';
import { CREDIT_LEDGER_EVENT_TYPES, creditMovementOf, monthOf } from './credit-ledger.entries';

export const CREDIT_LEDGER_TABLE = 'credit_ledger';
export const CREDIT_BALANCES_TABLE = 'credit_balances';
export const CREDIT_MONTH_SPEND_TABLE = 'credit_month_spend';

interface BalanceRow {
  user_id: string;
  granted_micros: string | number;
  charged_micros: string | number;
  settled_micros: string | number;
  last_commit: string | number;
  last_prepare: string | number;
}

/**
 * Moves each touched user's totals and month spend by the batch's events after the user's last
 * applied position (a redelivered event changes nothing), and keeps grants as ledger rows. Charges
 * are not copied: the ledger lists them from usage_facts, which holds one row per request anyway.
 */
async function applyCreditLedger(trx: Knex.Transaction, events: readonly RecordedEvent[]): Promise<void> {
  const moves = events.flatMap((e) => {
    const m = creditMovementOf(e);
    return m ? [{ event: e, move: m }] : [];
  });
  if (moves.length === 0) return;
  const userIds = [...new Set(moves.map((m) => m.move.userId))];
  const existing = await trx<BalanceRow>(CREDIT_BALANCES_TABLE).whereIn('user_id', userIds);
  const rows = new Map(
    existing.map((r) => [
      r.user_id,
      {
        granted: toBigInt(r.granted_micros),
        charged: toBigInt(r.charged_micros),
        settled: toBigInt(r.settled_micros),
        last: { commit: toBigInt(r.last_commit), prepare: toBigInt(r.last_prepare) } as Position,
      },
    ]),
  );
  const months = new Map<string, { charged: bigint; settled: bigint }>();
  const addMonth = (userId: string, month: string, charged: bigint, settled: bigint): void => {
    const key = JSON.stringify([userId, month]);
    const m = months.get(key) ?? { charged: 0n, settled: 0n };
    months.set(key, { charged: m.charged + charged, settled: m.settled + settled });
  };
  const grants: Record<string, unknown>[] = [];
  for (const { event, move } of moves) {
    const row = rows.get(move.userId);
    if (row && alreadyApplied(row.last, event)) continue;
    rows.set(move.userId, {
      granted: (row?.granted ?? 0n) + move.grantedMicros,
      charged: (row?.charged ?? 0n) + move.chargedMicros,
      settled: (row?.settled ?? 0n) + (move.settled?.micros ?? 0n),
      last: event.position,
    });
    if (move.chargedMicros !== 0n) addMonth(move.userId, monthOf(event.occurredAt), move.chargedMicros, 0n);
    if (move.settled) addMonth(move.userId, move.settled.month, 0n, move.settled.micros);
    if (move.grant)
      grants.push({
        entry_id: move.grant.entryId,
        user_id: move.grant.userId,
        at: move.grant.at,
        kind: move.grant.kind,
        amount_micros: move.grant.amountMicros.toString(),
        reference: move.grant.reference,
        description: move.grant.description,
      });
  }
  const changed = userIds.filter((id) => rows.has(id));
  await trx(CREDIT_BALANCES_TABLE)
    .insert(
      changed.map((id) => {
        const r = rows.get(id)!;
        return {
          user_id: id,
          granted_micros: r.granted.toString(),
          charged_micros: r.charged.toString(),
          settled_micros: r.settled.toString(),
          last_commit: r.last.commit.toString(),
          last_prepare: r.last.prepare.toString(),
          updated_at: trx.fn.now(),
        };
      }),
    )
    .onConflict('user_id')
    .merge();
  if (grants.length > 0) await trx(CREDIT_LEDGER_TABLE).insert(grants).onConflict('entry_id').ignore();
  if (months.size > 0)
    await trx(CREDIT_MONTH_SPEND_TABLE)
      .insert(
        [...months].map(([key, m]) => {
          const [userId, month] = JSON.parse(key) as [string, string];
          return {
            user_id: userId,
            month,
            charged_micros: m.charged.toString(),
            settled_micros: m.settled.toString(),
          };
        }),
      )
      .onConflict(['user_id', 'month'])
      .merge({
        charged_micros: trx.raw('?? + excluded.charged_micros', [
          `${CREDIT_MONTH_SPEND_TABLE}.charged_micros`,
        ]),
        settled_micros: trx.raw('?? + excluded.settled_micros', [
          `${CREDIT_MONTH_SPEND_TABLE}.settled_micros`,
        ]),
      });
}

/** credit_balances, credit_month_spend, credit_ledger (grants): GET /api/v1/me/credits and its ledger. */
export const creditLedgerProjection: Projection = {
  name: 'credit-ledger',
  version: 1,
  tables: [CREDIT_LEDGER_TABLE, CREDIT_BALANCES_TABLE, CREDIT_MONTH_SPEND_TABLE],
  handles: CREDIT_LEDGER_EVENT_TYPES,
  apply: applyCreditLedger,
};
