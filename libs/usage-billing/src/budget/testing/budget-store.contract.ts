import { randomUUID } from 'node:crypto';
import type { BudgetSeen, ReserveRequest } from '../budget';
import type { BudgetStore } from '../budget-store.port';
import type { DrainableBudgetStore } from '../adapters/fallback-budget-store';

export interface BudgetStoreFixture {
  readonly store: BudgetStore;
  /** A second handle on the same shared state (another instance), or the same store. */
  readonly twin: BudgetStore;
  close(): Promise<void>;
}

const MONTH = '2026-12';
const seen = (balance: bigint, over: Partial<BudgetSeen> = {}): BudgetSeen => ({
  balanceMicros: balance,
  monthSpendMicros: 0n,
  settledMicros: 0n,
  monthSettledMicros: 0n,
  ...over,
});

const reserveRequest = (userId: string, over: Partial<ReserveRequest> = {}): ReserveRequest => ({
  userId,
  reservationId: randomUUID(),
  amountMicros: 100n,
  month: MONTH,
  ttlMs: 60_000,
  seen: seen(1_000n),
  hardCapMicros: null,
  ...over,
});

/** One contract every budget store passes (memory, Redis, PostgreSQL, the fallback pair). */
export function budgetStoreContract(name: string, open: () => Promise<BudgetStoreFixture>): void {
  describe(`BudgetStore contract: ${name}`, () => {
    let f: BudgetStoreFixture;
    beforeAll(async () => {
      f = await open();
    });
    afterAll(() => f.close());

    const request = reserveRequest;

    it('admits what the balance covers and holds it until settled or released', async () => {
      const user = randomUUID();
      const first = await f.store.reserve(request(user, { amountMicros: 600n }));
      expect(first).toEqual({ ok: true, availableMicros: 400n, monthCommittedMicros: 600n });
      const second = await f.twin.reserve(request(user, { amountMicros: 600n }));
      expect(second).toEqual({
        ok: false,
        reason: 'balance',
        availableMicros: 400n,
        monthCommittedMicros: 600n,
      });
      expect(await f.store.snapshot(user, MONTH, seen(1_000n))).toEqual({
        pendingMicros: 0n,
        monthPendingMicros: 0n,
        reservedMicros: 600n,
      });
    });

    it('a settled charge is pending until the caller has seen it, then counts once', async () => {
      const user = randomUUID();
      const r = request(user, { amountMicros: 500n });
      expect((await f.store.reserve(r)).ok).toBe(true);
      await f.store.settle({
        userId: user,
        reservationId: r.reservationId,
        chargedMicros: 300n,
        month: MONTH,
      });
      // Another instance that has not seen the ChargeSettled yet: 300 pending, nothing reserved.
      expect(await f.twin.snapshot(user, MONTH, seen(1_000n))).toEqual({
        pendingMicros: 300n,
        monthPendingMicros: 300n,
        reservedMicros: 0n,
      });
      const notSeen = await f.twin.reserve(request(user, { amountMicros: 701n }));
      expect(notSeen).toMatchObject({ ok: false, reason: 'balance', availableMicros: 700n });
      // Once its memory has the charge (balance 700, settled 300) the same request is judged the same.
      const fed = seen(700n, { monthSpendMicros: 300n, settledMicros: 300n, monthSettledMicros: 300n });
      expect(await f.twin.reserve(request(user, { amountMicros: 701n, seen: fed }))).toMatchObject({
        ok: false,
        availableMicros: 700n,
      });
      expect(await f.twin.reserve(request(user, { amountMicros: 700n, seen: fed }))).toEqual({
        ok: true,
        availableMicros: 0n,
        monthCommittedMicros: 1_000n,
      });
    });

    it('a charge the caller has seen before its settlement reached the store counts once', async () => {
      const user = randomUUID();
      const r = request(user, { amountMicros: 500n });
      expect((await f.store.reserve(r)).ok).toBe(true);
      // The twin's feed already has the ChargeSettled (300), the store not yet: still 500 held.
      const fed = seen(700n, { monthSpendMicros: 300n, settledMicros: 300n, monthSettledMicros: 300n });
      expect(await f.twin.reserve(request(user, { amountMicros: 201n, seen: fed }))).toMatchObject({
        ok: false,
        availableMicros: 200n,
      });
      await f.store.settle({
        userId: user,
        reservationId: r.reservationId,
        chargedMicros: 300n,
        month: MONTH,
      });
      expect(await f.twin.snapshot(user, MONTH, fed)).toEqual({
        pendingMicros: 0n,
        monthPendingMicros: 0n,
        reservedMicros: 0n,
      });
      expect(await f.twin.reserve(request(user, { amountMicros: 700n, seen: fed }))).toMatchObject({
        ok: true,
      });
    });

    it('a store with no count yet starts from what the first caller has seen', async () => {
      const user = randomUUID();
      const fed = seen(500n, { monthSpendMicros: 500n, settledMicros: 500n, monthSettledMicros: 500n });
      expect(await f.store.reserve(request(user, { amountMicros: 500n, seen: fed }))).toMatchObject({
        ok: true,
        availableMicros: 0n,
      });
      // A caller that has seen less now sees the rest as pending.
      expect(await f.twin.snapshot(user, MONTH, seen(1_000n))).toMatchObject({ pendingMicros: 500n });
    });

    it('a hard cap refuses what would pass it, counting reservations and this month only', async () => {
      const user = randomUUID();
      const s = seen(1_000_000n, { monthSpendMicros: 700n, settledMicros: 700n, monthSettledMicros: 700n });
      const capped = (amount: bigint) =>
        request(user, { amountMicros: amount, seen: s, hardCapMicros: 1_000n });
      expect(await f.store.reserve(capped(200n))).toMatchObject({ ok: true, monthCommittedMicros: 900n });
      expect(await f.twin.reserve(capped(101n))).toEqual({
        ok: false,
        reason: 'cap',
        availableMicros: 1_000_000n - 200n,
        monthCommittedMicros: 900n,
      });
      expect(await f.twin.reserve(capped(100n))).toMatchObject({ ok: true, monthCommittedMicros: 1_000n });
      // Next month starts from nothing.
      const nextMonth = request(user, {
        month: '2027-01',
        seen: seen(1_000_000n),
        amountMicros: 701n,
        hardCapMicros: 1_000n,
      });
      // 300 still reserved: 300 + 701 > 1000.
      expect(await f.store.reserve(nextMonth)).toMatchObject({ ok: false, reason: 'cap' });
    });

    it('a settlement taken back (its events were not written) counts nothing', async () => {
      const user = randomUUID();
      const r = request(user, { amountMicros: 500n });
      expect((await f.store.reserve(r)).ok).toBe(true);
      const settle = { userId: user, reservationId: r.reservationId, chargedMicros: 200n, month: MONTH };
      await f.store.settle(settle);
      await f.twin.unsettle(settle);
      expect(await f.store.snapshot(user, MONTH, seen(1_000n))).toEqual({
        pendingMicros: 0n,
        monthPendingMicros: 0n,
        reservedMicros: 0n,
      });
    });

    it('settling twice counts once (a retried settle)', async () => {
      const user = randomUUID();
      const r = request(user, { amountMicros: 500n });
      expect((await f.store.reserve(r)).ok).toBe(true);
      const settle = { userId: user, reservationId: r.reservationId, chargedMicros: 200n, month: MONTH };
      await f.store.settle(settle);
      await f.twin.settle(settle);
      expect(await f.store.snapshot(user, MONTH, seen(1_000n))).toEqual({
        pendingMicros: 200n,
        monthPendingMicros: 200n,
        reservedMicros: 0n,
      });
    });

    it('release frees the hold and charges nothing; a second release or settle of it changes nothing', async () => {
      const user = randomUUID();
      const r = request(user, { amountMicros: 1_000n });
      expect((await f.store.reserve(r)).ok).toBe(true);
      await f.store.release(user, r.reservationId);
      await f.store.release(user, r.reservationId);
      await f.twin.settle({
        userId: user,
        reservationId: r.reservationId,
        chargedMicros: 1_000n,
        month: MONTH,
      });
      expect(await f.twin.snapshot(user, MONTH, seen(1_000n))).toEqual({
        pendingMicros: 0n,
        monthPendingMicros: 0n,
        reservedMicros: 0n,
      });
    });

    it('zero holds and zero charges (free models, custom endpoints) reserve, settle, release and are swept', async () => {
      const user = randomUUID();
      const settled = request(user, { amountMicros: 0n });
      expect(await f.store.reserve(settled)).toEqual({
        ok: true,
        availableMicros: 1_000n,
        monthCommittedMicros: 0n,
      });
      await f.twin.settle({
        userId: user,
        reservationId: settled.reservationId,
        chargedMicros: 0n,
        month: MONTH,
      });
      // A zero hold settled at a real charge, and one released, and one swept after its TTL.
      const charged = request(user, { amountMicros: 0n });
      expect((await f.store.reserve(charged)).ok).toBe(true);
      await f.store.settle({
        userId: user,
        reservationId: charged.reservationId,
        chargedMicros: 7n,
        month: MONTH,
      });
      const released = request(user, { amountMicros: 0n });
      expect((await f.store.reserve(released)).ok).toBe(true);
      await f.twin.release(user, released.reservationId);
      expect((await f.store.reserve(request(user, { amountMicros: 0n, ttlMs: 0 }))).ok).toBe(true);
      await f.twin.unsettle({
        userId: user,
        reservationId: settled.reservationId,
        chargedMicros: 0n,
        month: MONTH,
      });
      expect(await f.twin.snapshot(user, MONTH, seen(1_000n))).toEqual({
        pendingMicros: 7n,
        monthPendingMicros: 7n,
        reservedMicros: 0n,
      });
      // A balance already spent to zero still admits a zero hold.
      expect(
        await f.store.reserve(
          request(user, { amountMicros: 0n, seen: seen(7n, { settledMicros: 7n, monthSettledMicros: 7n }) }),
        ),
      ).toMatchObject({ ok: true });
    });

    it('the same reservation id twice holds once', async () => {
      const user = randomUUID();
      const r = request(user, { amountMicros: 400n });
      expect((await f.store.reserve(r)).ok).toBe(true);
      await f.store.reserve(r);
      expect((await f.twin.snapshot(user, MONTH, seen(1_000n))).reservedMicros).toBe(400n);
    });

    it('reservations that outlive their TTL are swept', async () => {
      const user = randomUUID();
      expect((await f.store.reserve(request(user, { amountMicros: 900n, ttlMs: 0 }))).ok).toBe(true);
      // Expired at once: the next call sweeps it before deciding.
      expect(await f.twin.reserve(request(user, { amountMicros: 900n }))).toMatchObject({ ok: true });
      expect((await f.store.snapshot(user, MONTH, seen(1_000n))).reservedMicros).toBe(900n);
    });

    it('concurrent reservations from two instances never overspend: exactly what fits', async () => {
      const user = randomUUID();
      const attempts = Array.from({ length: 60 }, (_, i) =>
        (i % 2 === 0 ? f.store : f.twin).reserve(request(user, { amountMicros: 50n })),
      );
      const outcomes = await Promise.all(attempts);
      expect(outcomes.filter((o) => o.ok)).toHaveLength(20);
      expect(outcomes.every((o) => o.availableMicros >= 0n)).toBe(true);
      expect((await f.store.snapshot(user, MONTH, seen(1_000n))).reservedMicros).toBe(1_000n);
    });
  });
}

export interface DrainableStoreFixture {
  readonly store: DrainableBudgetStore;
  close(): Promise<void>;
}

/** What the fallback store (PostgreSQL; memory in tests) does besides the port: say what it holds, adopt. */
export function drainableStoreContract(name: string, open: () => Promise<DrainableStoreFixture>): void {
  describe(`DrainableBudgetStore contract: ${name}`, () => {
    let f: DrainableStoreFixture;
    beforeAll(async () => {
      f = await open();
    });
    afterAll(() => f.close());

    const request = (userId: string, amountMicros: bigint): ReserveRequest =>
      reserveRequest(userId, { amountMicros });

    it('adopts a reservation as it is, even past the balance, once; it counts for every later decision', async () => {
      const user = randomUUID();
      const moved = request(user, 900n);
      await f.store.adopt(moved);
      await f.store.adopt(moved); // moved twice (a retry): held once
      expect(await f.store.reservedFor(user)).toBe(900n);
      expect(await f.store.reserve(request(user, 101n))).toMatchObject({ ok: false, reason: 'balance' });
      await f.store.adopt(request(user, 500n)); // admitted elsewhere: held although 100 is left
      expect(await f.store.reservedFor(user)).toBe(1_400n);
      await f.store.settle({
        userId: user,
        reservationId: moved.reservationId,
        chargedMicros: 300n,
        month: MONTH,
      });
      expect(await f.store.snapshot(user, MONTH, seen(1_000n))).toEqual({
        pendingMicros: 300n,
        monthPendingMicros: 300n,
        reservedMicros: 500n,
      });
      expect(await f.store.liveReservations()).toBeGreaterThanOrEqual(1);
    });
  });
}
