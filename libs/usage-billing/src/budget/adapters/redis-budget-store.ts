import type { Redis } from 'ioredis';
import { withDeadline, type Micros, type RedisFieldGuard } from '@gw/shared-kernel';
import {
  snapshotOf,
  type BudgetSeen,
  type BudgetSnapshot,
  type ReserveOutcome,
  type ReserveRequest,
  type SettleRequest,
} from '../budget';
import type { BudgetStore } from '../budget-store.port';
import { RELEASE_LUA, RESERVE_LUA, SETTLE_LUA, SNAPSHOT_LUA, UNSETTLE_LUA } from './budget.lua';

export const DEFAULT_BUDGET_PREFIX = 'switchyard:budget:';
/** A user's keys outlive their last request by this long (longer than a month: the monthly counters). */
export const BUDGET_KEY_TTL_MS = 40 * 24 * 60 * 60 * 1_000;

type Script = (k1: string, k2: string, k3: string, ...args: Array<string | number>) => Promise<unknown>;

const SCRIPTS = {
  switchyardBudgetReserve: RESERVE_LUA,
  switchyardBudgetSettle: SETTLE_LUA,
  switchyardBudgetUnsettle: UNSETTLE_LUA,
  switchyardBudgetRelease: RELEASE_LUA,
  switchyardBudgetSnapshot: SNAPSHOT_LUA,
} as const;

/**
 * The budget store in Redis, shared by every instance: each call is one Lua script (EVALSHA, one
 * round trip), so a user's reservations are decided one at a time whichever instance asks; time is
 * Redis's. Keys `<prefix>{<userId>}:b|r|a`.
 */
export class RedisBudgetStore implements BudgetStore {
  private readonly scripts: Record<keyof typeof SCRIPTS, Script>;

  constructor(
    redis: Redis,
    private readonly prefix: string = DEFAULT_BUDGET_PREFIX,
    /** A call without an answer this long fails (withDeadline: a busy event loop is no timeout). */
    deadlineMs?: number,
  ) {
    const scripts = {} as Record<keyof typeof SCRIPTS, Script>;
    for (const [name, lua] of Object.entries(SCRIPTS) as Array<[keyof typeof SCRIPTS, string]>) {
      if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 3, lua });
      const script = (redis as unknown as Record<string, Script>)[name]!.bind(redis);
      scripts[name] =
        deadlineMs === undefined ? script : (...args) => withDeadline(script(...args), deadlineMs);
    }
    this.scripts = scripts;
  }

  async reserve(r: ReserveRequest): Promise<ReserveOutcome> {
    const reply = (await this.scripts.switchyardBudgetReserve(
      ...this.keysOf(r.userId),
      BUDGET_KEY_TTL_MS,
      r.reservationId,
      r.amountMicros.toString(),
      r.ttlMs,
      r.month,
      r.seen.balanceMicros.toString(),
      r.seen.monthSpendMicros.toString(),
      r.seen.settledMicros.toString(),
      r.seen.monthSettledMicros.toString(),
      r.hardCapMicros === null ? '' : r.hardCapMicros.toString(),
    )) as [number, string, string];
    const [status, available, committed] = reply;
    const availableMicros = BigInt(available);
    const monthCommittedMicros = BigInt(committed);
    if (status === 1) return { ok: true, availableMicros, monthCommittedMicros };
    return { ok: false, reason: status === 2 ? 'cap' : 'balance', availableMicros, monthCommittedMicros };
  }

  async settle({ userId, reservationId, chargedMicros, month }: SettleRequest): Promise<void> {
    await this.scripts.switchyardBudgetSettle(
      ...this.keysOf(userId),
      BUDGET_KEY_TTL_MS,
      reservationId,
      chargedMicros.toString(),
      month,
    );
  }

  async unsettle({ userId, reservationId, chargedMicros, month }: SettleRequest): Promise<void> {
    await this.scripts.switchyardBudgetUnsettle(
      ...this.keysOf(userId),
      BUDGET_KEY_TTL_MS,
      reservationId,
      chargedMicros.toString(),
      month,
    );
  }

  async release(userId: string, reservationId: string): Promise<void> {
    await this.scripts.switchyardBudgetRelease(...this.keysOf(userId), BUDGET_KEY_TTL_MS, reservationId);
  }

  async snapshot(userId: string, month: string, seen: BudgetSeen): Promise<BudgetSnapshot> {
    const [settled, monthSettled, reserved] = (await this.scripts.switchyardBudgetSnapshot(
      ...this.keysOf(userId),
      BUDGET_KEY_TTL_MS,
      month,
    )) as [string, string, string];
    const stored = {
      settledMicros: settled === '' ? null : BigInt(settled),
      monthSettledMicros: monthSettled === '' ? null : BigInt(monthSettled),
      reservedMicros: BigInt(reserved) as Micros,
    };
    return snapshotOf(stored, seen);
  }

  /** A held reservation is a field of the user's reservation hash (KEYS[3]). */
  holdGuard(userId: string, reservationId: string): RedisFieldGuard {
    return { key: this.keysOf(userId)[2], field: reservationId };
  }

  /** The client belongs to the caller, who closes it. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  keysOf(userId: string): [string, string, string] {
    const base = `${this.prefix}{${userId}}`;
    return [`${base}:b`, `${base}:r`, `${base}:a`];
  }
}
