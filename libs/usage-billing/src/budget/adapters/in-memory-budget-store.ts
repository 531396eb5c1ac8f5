import { systemClock, type Clock, type Micros } from '@gw/shared-kernel';
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

interface Held {
  readonly amount: Micros;
  readonly expiresAt: number;
}

interface UserState {
  /** null: not started (see budget.ts). */
  settled: Micros | null;
  readonly monthSettled: Map<string, Micros>;
  readonly held: Map<string, Held>;
  reserved: Micros;
}

/** One process's budget store (embedded mode): every call is synchronous, so atomic. */
export class InMemoryBudgetStore implements DrainableBudgetStore {
  private readonly users = new Map<string, UserState>();

  constructor(private readonly clock: Clock = systemClock) {}

  reserve(request: ReserveRequest): Promise<ReserveOutcome> {
    const u = this.user(request.userId);
    this.sweep(u);
    const { outcome, stored } = decideReservation(this.storedOf(u, request.month), request);
    this.apply(u, request, stored, outcome.ok);
    return Promise.resolve(outcome);
  }

  adopt(request: ReserveRequest): Promise<void> {
    const u = this.user(request.userId);
    this.sweep(u);
    this.apply(u, request, adoptReservation(this.storedOf(u, request.month), request), true);
    return Promise.resolve();
  }

  settle({ userId, reservationId, chargedMicros, month }: SettleRequest): Promise<void> {
    const u = this.user(userId);
    if (!this.drop(u, reservationId)) return Promise.resolve(); // settled before, or swept: counted once
    u.settled = (u.settled ?? 0n) + chargedMicros;
    u.monthSettled.set(month, (u.monthSettled.get(month) ?? 0n) + chargedMicros);
    return Promise.resolve();
  }

  unsettle({ userId, chargedMicros, month }: SettleRequest): Promise<void> {
    const u = this.users.get(userId);
    if (u?.settled != null) {
      u.settled -= chargedMicros;
      const m = u.monthSettled.get(month);
      if (m !== undefined) u.monthSettled.set(month, m - chargedMicros);
    }
    return Promise.resolve();
  }

  release(userId: string, reservationId: string): Promise<void> {
    const u = this.users.get(userId);
    if (u) this.drop(u, reservationId);
    return Promise.resolve();
  }

  snapshot(userId: string, month: string, seen: BudgetSeen): Promise<BudgetSnapshot> {
    const u = this.user(userId);
    this.sweep(u);
    return Promise.resolve(
      snapshotOf(
        {
          settledMicros: u.settled,
          monthSettledMicros: u.monthSettled.get(month) ?? null,
          reservedMicros: u.reserved,
        },
        seen,
      ),
    );
  }

  liveReservations(): Promise<number> {
    let n = 0;
    for (const u of this.users.values()) {
      this.sweep(u);
      n += u.held.size;
    }
    return Promise.resolve(n);
  }

  reservedFor(userId: string): Promise<Micros> {
    const u = this.users.get(userId);
    if (!u) return Promise.resolve(0n);
    this.sweep(u);
    return Promise.resolve(u.reserved);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private storedOf(u: UserState, month: string): StoredBudget {
    return {
      settledMicros: u.settled,
      monthSettledMicros: u.monthSettled.get(month) ?? null,
      reservedMicros: u.reserved,
    };
  }

  /** The started counters, and the reservation held when `hold` and not held already. */
  private apply(u: UserState, request: ReserveRequest, stored: StoredBudget, hold: boolean): void {
    u.settled = stored.settledMicros;
    if (stored.monthSettledMicros !== null) u.monthSettled.set(request.month, stored.monthSettledMicros);
    if (!hold || u.held.has(request.reservationId)) return;
    u.held.set(request.reservationId, {
      amount: request.amountMicros,
      expiresAt: this.clock.now().getTime() + request.ttlMs,
    });
    u.reserved = stored.reservedMicros;
  }

  private drop(u: UserState, reservationId: string): boolean {
    const held = u.held.get(reservationId);
    if (!held) return false;
    u.held.delete(reservationId);
    u.reserved -= held.amount;
    return true;
  }

  private sweep(u: UserState): void {
    if (u.held.size === 0) return;
    const now = this.clock.now().getTime();
    for (const [id, held] of u.held) if (held.expiresAt <= now) this.drop(u, id);
  }

  private user(userId: string): UserState {
    let u = this.users.get(userId);
    if (!u) {
      u = { settled: null, monthSettled: new Map(), held: new Map(), reserved: 0n };
      this.users.set(userId, u);
    }
    return u;
  }
}
