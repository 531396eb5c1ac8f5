import type { Knex } from 'knex';
import { toBigInt } from '@gw/database';
import { readProjectionCheckpoint } from '@gw/projections';
import type { Micros, Position } from '@gw/shared-kernel';
import {
  CREDIT_BALANCES_TABLE,
  CREDIT_LEDGER_TABLE,
  CREDIT_MONTH_SPEND_TABLE,
  creditLedgerProjection,
} from '../credits/ledger/credit-ledger.projection';

/** The credit ledger read model as of one log position: where the in-memory budget ledger starts. */
export interface LedgerSnapshot {
  /** Everything up to here is in the rows; null: nothing projected yet (start from the beginning). */
  readonly position: Position | null;
  readonly users: ReadonlyArray<{
    readonly userId: string;
    readonly grantedMicros: Micros;
    readonly chargedMicros: Micros;
    readonly settledMicros: Micros;
  }>;
  /** The months asked for only (a budget needs this month and what comes after it). */
  readonly months: ReadonlyArray<{
    readonly userId: string;
    readonly month: string;
    readonly chargedMicros: Micros;
    readonly settledMicros: Micros;
  }>;
  /** Each user's grant ids (sign-up credits are granted once). */
  readonly grants: ReadonlyArray<{ readonly userId: string; readonly grantId: string }>;
}

interface BalanceRow {
  user_id: string;
  granted_micros: string | number;
  charged_micros: string | number;
  settled_micros: string | number;
}
interface MonthRow {
  user_id: string;
  month: string;
  charged_micros: string | number;
  settled_micros: string | number;
}

/**
 * Reads the credit-ledger projection's rows and its checkpoint in one repeatable-read transaction (the
 * projection writes both in one transaction per batch), so the rows are exactly the events up to the
 * checkpoint. One scan of one row per user: start-up no longer folds every request ever made.
 */
export async function readBudgetSnapshot(knex: Knex, fromMonth: string): Promise<LedgerSnapshot> {
  return knex.transaction(
    async (trx) => {
      const checkpoint = await readProjectionCheckpoint(trx, creditLedgerProjection);
      if (!checkpoint) return { position: null, users: [], months: [], grants: [] };
      // One after another: a transaction is one connection (pg deprecates overlapping queries on it).
      const balances = await trx<BalanceRow>(CREDIT_BALANCES_TABLE).select(
        'user_id',
        'granted_micros',
        'charged_micros',
        'settled_micros',
      );
      const months = await trx<MonthRow>(CREDIT_MONTH_SPEND_TABLE)
        .select('user_id', 'month', 'charged_micros', 'settled_micros')
        .where('month', '>=', fromMonth);
      const grants = (await trx(CREDIT_LEDGER_TABLE).select('user_id', 'reference')) as Array<{
        user_id: string;
        reference: string;
      }>;
      return {
        position: checkpoint,
        users: balances.map((r) => ({
          userId: r.user_id,
          grantedMicros: toBigInt(r.granted_micros),
          chargedMicros: toBigInt(r.charged_micros),
          settledMicros: toBigInt(r.settled_micros),
        })),
        months: months.map((r) => ({
          userId: r.user_id,
          month: r.month,
          chargedMicros: toBigInt(r.charged_micros),
          settledMicros: toBigInt(r.settled_micros),
        })),
        grants: grants.map((r) => ({ userId: r.user_id, grantId: r.reference })),
      };
    },
    { isolationLevel: 'repeatable read' },
  );
}
