import type { RedisFieldGuard } from '@gw/shared-kernel';
import type { BudgetSeen, BudgetSnapshot, ReserveOutcome, ReserveRequest, SettleRequest } from './budget';

/**
 * Where reservations and settled charges meet across instances (see budget.ts). Adapters: in-memory
 * (embedded mode, one instance), Redis (full mode: one Lua script per call), PostgreSQL (full mode
 * while Redis is unreachable). One contract suite (testing/budget-store.contract.ts) runs on each.
 */
export interface BudgetStore {
  /** Atomically: sweeps expired reservations, then admits and holds `amountMicros`, or refuses. */
  reserve(request: ReserveRequest): Promise<ReserveOutcome>;
  /**
   * Atomically: releases the reservation and counts the charge as settled — only if it is still held,
   * so settling twice counts once (a charge whose hold was swept is counted from the log instead).
   */
  settle(request: SettleRequest): Promise<void>;
  /** Takes a settled charge back (its events could not be written): the counters only, no hold. */
  unsettle(request: SettleRequest): Promise<void>;
  /** Releases the reservation, if still held, counting nothing (the request was not charged). */
  release(userId: string, reservationId: string): Promise<void>;
  snapshot(userId: string, month: string, seen: BudgetSeen): Promise<BudgetSnapshot>;
  /**
   * Only Redis, asked right after `reserve` was called: the field that exists once that reservation
   * is held, for a command sent behind it on the same connection (the rate-limit check); undefined
   * when this reservation was not sent to Redis at once (no Redis, an outage, draining).
   */
  holdGuard?(userId: string, reservationId: string): RedisFieldGuard | undefined;
  close(): Promise<void>;
}
