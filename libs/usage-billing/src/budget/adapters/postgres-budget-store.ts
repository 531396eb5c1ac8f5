import type { Knex } from 'knex';
import type { Micros } from '@gw/shared-kernel';
import {
  adoptReservation,
  decideReservation,
  snapshotOf,
  type BudgetSeen,
  type BudgetSnapshot,
  type ReserveOutcome,
  type ReserveRequest,
  type SettleRequest,
  type StoredBudget,
} from '../budget';
import type { DrainableBudgetStore } from './fallback-budget-store';

/** pg returns int8 as strings, PGlite as numbers: one place turns both into bigint. */
const micros = (v: unknown): Micros => BigInt((v as string | number | null) ?? 0);
const microsOrNull = (v: unknown): Micros | null => (v === null || v === undefined ? null : micros(v));

/**
 * The budget store in PostgreSQL, shared by every instance (full mode's fallback while Redis is
 * unreachable): each call is one transaction that locks the user's counter row, so reservations of
 * one user are decided one at a time across instances. Time is the database's.
 */
export class PostgresBudgetStore implements DrainableBudgetStore {
  constructor(private readonly knex: Knex) {}

  reserve(request: ReserveRequest): Promise<ReserveOutcome> {
    return this.knex.transaction(async (trx) => {
      const stored = await this.lockAndSweep(trx, request.userId, request.month);
      const { outcome, stored: next } = decideReservation(stored, request);
      let reserved = stored.reservedMicros;
      if (outcome.ok && (await this.hold(trx, request))) reserved = next.reservedMicros;
      await this.write(trx, request.userId, request.month, { ...next, reservedMicros: reserved });
      return outcome;
    });
  }

  adopt(request: ReserveRequest): Promise<void> {
    return this.knex.transaction(async (trx) => {
      const stored = await this.lockAndSweep(trx, request.userId, request.month);
      const inserted = await this.hold(trx, request);
      if (inserted) await this.write(trx, request.userId, request.month, adoptReservation(stored, request));
    });
  }

  settle({ userId, reservationId, chargedMicros, month }: SettleRequest): Promise<void> {
    return this.knex.transaction(async (trx) => {
      const stored = await this.lockAndSweep(trx, userId, month);
      const released = await this.drop(trx, userId, reservationId);
      if (released === null) return; // settled before, or swept: counted once
      await this.write(trx, userId, month, {
        settledMicros: (stored.settledMicros ?? 0n) + chargedMicros,
        monthSettledMicros: (stored.monthSettledMicros ?? 0n) + chargedMicros,
        reservedMicros: stored.reservedMicros - released,
      });
    });
  }

  async unsettle({ userId, chargedMicros, month }: SettleRequest): Promise<void> {
    const amount = chargedMicros.toString();
    await this.knex.transaction(async (trx) => {
      await trx('budget_counters')
        .where({ user_id: userId })
        .whereNotNull('settled_micros')
        .update({ settled_micros: trx.raw('settled_micros - ?', [amount]) });
      await trx('budget_month_settled')
        .where({ user_id: userId, month })
        .update({ settled_micros: trx.raw('settled_micros - ?', [amount]) });
    });
  }

  release(userId: string, reservationId: string): Promise<void> {
    return this.knex.transaction(async (trx) => {
      await this.lock(trx, userId);
      const released = await this.drop(trx, userId, reservationId);
      if (released !== null && released > 0n)
        await trx('budget_counters')
          .where({ user_id: userId })
          .update({ reserved_micros: trx.raw('reserved_micros - ?', [released.toString()]) });
    });
  }

  snapshot(userId: string, month: string, seen: BudgetSeen): Promise<BudgetSnapshot> {
    return this.knex.transaction(async (trx) => {
      const stored = await this.lockAndSweep(trx, userId, month);
      await this.write(trx, userId, month, stored);
      return snapshotOf(stored, seen);
    });
  }

  /** Live reservations of every user (the fallback hands back to Redis only when there are none). */
  async liveReservations(): Promise<number> {
    const row = (await this.knex('budget_reservations')
      .where('expires_at', '>', this.knex.fn.now())
      .count({ n: '*' })
      .first()) as { n: string | number } | undefined;
    return Number(row?.n ?? 0);
  }

  async reservedFor(userId: string): Promise<Micros> {
    const row = (await this.knex('budget_reservations')
      .where({ user_id: userId })
      .andWhere('expires_at', '>', this.knex.fn.now())
      .sum({ s: 'amount_micros' })
      .first()) as { s: unknown } | undefined;
    return micros(row?.s);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private async lock(
    trx: Knex.Transaction,
    userId: string,
  ): Promise<{ settled: Micros | null; reserved: Micros }> {
    await trx('budget_counters').insert({ user_id: userId }).onConflict('user_id').ignore();
    const row = (await trx('budget_counters').where({ user_id: userId }).forUpdate().first()) as {
      settled_micros: unknown;
      reserved_micros: unknown;
    };
    return { settled: microsOrNull(row.settled_micros), reserved: micros(row.reserved_micros) };
  }

  private async lockAndSweep(trx: Knex.Transaction, userId: string, month: string): Promise<StoredBudget> {
    const { settled, reserved } = await this.lock(trx, userId);
    const expired = (await trx('budget_reservations')
      .where({ user_id: userId })
      .andWhere('expires_at', '<=', trx.fn.now())
      .delete()
      .returning('amount_micros')) as Array<{ amount_micros: unknown }>;
    const swept = expired.reduce((sum, r) => sum + micros(r.amount_micros), 0n);
    const monthRow = (await trx('budget_month_settled').where({ user_id: userId, month }).first()) as
      { settled_micros: unknown } | undefined;
    return {
      settledMicros: settled,
      monthSettledMicros: microsOrNull(monthRow?.settled_micros),
      reservedMicros: reserved - swept,
    };
  }

  /** Inserts the reservation; false when it was held already. */
  private async hold(trx: Knex.Transaction, request: ReserveRequest): Promise<boolean> {
    const inserted = await trx('budget_reservations')
      .insert({
        user_id: request.userId,
        reservation_id: request.reservationId,
        amount_micros: request.amountMicros.toString(),
        expires_at: trx.raw(`now() + (? * interval '1 millisecond')`, [request.ttlMs]),
      })
      .onConflict(['user_id', 'reservation_id'])
      .ignore()
      .returning('reservation_id');
    return inserted.length > 0;
  }

  /** The amount of the reservation it released, or null when it was not held. */
  private async drop(trx: Knex.Transaction, userId: string, reservationId: string): Promise<Micros | null> {
    const rows = (await trx('budget_reservations')
      .where({ user_id: userId, reservation_id: reservationId })
      .delete()
      .returning('amount_micros')) as Array<{ amount_micros: unknown }>;
    return rows.length === 0 ? null : micros(rows[0]!.amount_micros);
  }

  private async write(trx: Knex.Transaction, userId: string, month: string, s: StoredBudget): Promise<void> {
    await trx('budget_counters')
      .where({ user_id: userId })
      .update({
        settled_micros: s.settledMicros?.toString() ?? null,
        reserved_micros: s.reservedMicros.toString(),
      });
    if (s.monthSettledMicros === null) return;
    await trx('budget_month_settled')
      .insert({ user_id: userId, month, settled_micros: s.monthSettledMicros.toString() })
      .onConflict(['user_id', 'month'])
      .merge(['settled_micros']);
  }
}
