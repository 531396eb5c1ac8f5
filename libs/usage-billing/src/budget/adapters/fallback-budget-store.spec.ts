import type { BudgetSeen, ReserveRequest } from '../budget';
import type { BudgetStore } from '../budget-store.port';
import { budgetStoreContract } from '../testing/budget-store.contract';
import { FallbackBudgetStore } from './fallback-budget-store';
import { InMemoryBudgetStore } from './in-memory-budget-store';

/** A store whose every call fails, like Redis while it is unreachable. */
class DownStore implements BudgetStore {
  calls = 0;
  private fail(): Promise<never> {
    this.calls++;
    return Promise.reject(new Error('Connection is closed.'));
  }
  reserve = () => this.fail();
  settle = () => this.fail();
  unsettle = () => this.fail();
  release = () => this.fail();
  snapshot = () => this.fail();
  close = () => Promise.resolve();
}

const seen: BudgetSeen = {
  balanceMicros: 1_000n,
  monthSpendMicros: 0n,
  settledMicros: 0n,
  monthSettledMicros: 0n,
};
const request = (reservationId: string, amountMicros: bigint): ReserveRequest => ({
  userId: 'u',
  reservationId,
  amountMicros,
  month: '2026-12',
  ttlMs: 60_000,
  seen,
  hardCapMicros: null,
});

/** One instance's client to a shared Redis (`redis`) that may be unreachable (`link.up`). */
class Link implements BudgetStore {
  constructor(
    private readonly redis: BudgetStore,
    private readonly link: { up: boolean },
  ) {}
  private via<T>(call: () => Promise<T>): Promise<T> {
    return this.link.up ? call() : Promise.reject(new Error('Connection is closed.'));
  }
  reserve = (r: ReserveRequest) => this.via(() => this.redis.reserve(r));
  settle = (r: Parameters<BudgetStore['settle']>[0]) => this.via(() => this.redis.settle(r));
  unsettle = (r: Parameters<BudgetStore['unsettle']>[0]) => this.via(() => this.redis.unsettle(r));
  release = (u: string, id: string) => this.via(() => this.redis.release(u, id));
  snapshot = (u: string, m: string, s: BudgetSeen) => this.via(() => this.redis.snapshot(u, m, s));
  close = () => Promise.resolve();
}

describe('FallbackBudgetStore', () => {
  // Redis down from the start: the shared fallback answers everything, exactly.
  budgetStoreContract('primary down', () => {
    const fallback = new InMemoryBudgetStore();
    const observer = { degraded: () => undefined, recovered: () => undefined };
    const store = new FallbackBudgetStore(new DownStore(), fallback, () => true, observer);
    const twin = new FallbackBudgetStore(new DownStore(), fallback, () => true, observer);
    return Promise.resolve({ store, twin, close: () => store.close() });
  });

  it('says so once per outage, and is not asked again while the client is not connected', async () => {
    const primary = new DownStore();
    const events: string[] = [];
    let connected = true;
    const store = new FallbackBudgetStore(primary, new InMemoryBudgetStore(), () => connected, {
      degraded: (e) => events.push(`down: ${e.message}`),
      recovered: () => events.push('up'),
    });
    expect((await store.reserve(request('a', 10n))).ok).toBe(true);
    // The failed reserve, then the release of what it may have held all the same (a timeout).
    expect(primary.calls).toBe(2);
    connected = false;
    expect((await store.reserve(request('b', 10n))).ok).toBe(true);
    expect(primary.calls).toBe(2);
    expect(events).toEqual(['down: Connection is closed.']);
    expect(store.degraded).toBe(true);
  });

  it('back on the primary, the fallback’s reservations still count until they are settled', async () => {
    const primary = new InMemoryBudgetStore();
    const fallback = new InMemoryBudgetStore();
    let connected = false;
    const events: string[] = [];
    const store = new FallbackBudgetStore(primary, fallback, () => connected, {
      degraded: () => events.push('down'),
      recovered: () => events.push('up'),
    });
    expect((await store.reserve(request('held-in-fallback', 700n))).ok).toBe(true);
    connected = true;
    // 700 still held by the fallback: only 300 left, decided by the primary.
    expect(await store.reserve(request('x', 301n))).toMatchObject({ ok: false, reason: 'balance' });
    expect(await store.reserve(request('y', 300n))).toMatchObject({ ok: true });
    expect(events).toEqual(['down', 'up']);
    // Settled where it was reserved: the fallback holds nothing any more.
    await store.settle({
      userId: 'u',
      reservationId: 'held-in-fallback',
      chargedMicros: 5n,
      month: '2026-12',
    });
    expect(await fallback.liveReservations()).toBe(0);
    expect((await primary.snapshot('u', '2026-12', seen)).reservedMicros).toBe(300n);
    await store.release('u', 'y');
    expect((await primary.snapshot('u', '2026-12', seen)).reservedMicros).toBe(0n);
  });
  it('gives the primary’s hold guard only for a reservation sent to it before reserve’s first await', async () => {
    /** The primary as Redis is: it can name the field a held reservation is, and counts its calls. */
    class GuardedStore extends InMemoryBudgetStore {
      reserves = 0;
      override reserve(r: ReserveRequest) {
        this.reserves++;
        return super.reserve(r);
      }
      holdGuard(userId: string, reservationId: string) {
        return { key: `${userId}:a`, field: reservationId };
      }
    }
    const primary = new GuardedStore();
    const fallback = new InMemoryBudgetStore();
    let connected = true;
    const noop = { degraded: () => undefined, recovered: () => undefined };
    const store = new FallbackBudgetStore(primary, fallback, () => connected, noop);
    const reserving = store.reserve(request('g1', 100n));
    expect(primary.reserves).toBe(1); // sent before reserve() returned
    expect(store.holdGuard('u', 'g1')).toEqual({ key: 'u:a', field: 'g1' });
    await reserving;
    // Redis down: no guard (the reservation goes to the fallback).
    connected = false;
    await store.reserve(request('g2', 100n));
    expect(store.holdGuard('u', 'g2')).toBeUndefined();
    // Back, draining the fallback's reservation: reserve awaits the fallback first, so no guard.
    connected = true;
    const draining = store.reserve(request('g3', 100n));
    expect(primary.reserves).toBe(1);
    expect(store.holdGuard('u', 'g3')).toBeUndefined();
    await draining;
    expect(primary.reserves).toBe(2);
  });
  it('reservations in flight when Redis goes away move to the fallback, where every instance decides', async () => {
    const redis = new InMemoryBudgetStore();
    const postgres = new InMemoryBudgetStore();
    const link = { up: true };
    const observer = { degraded: () => undefined, recovered: () => undefined };
    const a = new FallbackBudgetStore(new Link(redis, link), postgres, () => link.up, observer);
    const b = new FallbackBudgetStore(new Link(redis, link), postgres, () => link.up, observer);
    expect((await a.reserve(request('a1', 700n))).ok).toBe(true); // in Redis
    link.up = false;
    a.connectionLost(); // instance a's client sees its connection close
    // b decides in PostgreSQL and sees a's 700 in flight: 300 left of 1,000.
    expect(await b.reserve(request('b1', 400n))).toMatchObject({ ok: false, reason: 'balance' });
    expect(await b.reserve(request('b2', 300n))).toMatchObject({ ok: true });
    // a's request is settled where its reservation now is: 500 charged, its hold gone.
    await a.settle({ userId: 'u', reservationId: 'a1', chargedMicros: 500n, month: '2026-12' });
    expect(await postgres.reservedFor('u')).toBe(300n);
    expect(await b.reserve(request('b3', 201n))).toMatchObject({ ok: false, reason: 'balance' });
    expect(await b.reserve(request('b4', 200n))).toMatchObject({ ok: true });
  });

  it('a moved reservation is also freed in Redis when Redis comes back with it', async () => {
    const redis = new InMemoryBudgetStore();
    const link = { up: true };
    const observer = { degraded: () => undefined, recovered: () => undefined };
    const a = new FallbackBudgetStore(
      new Link(redis, link),
      new InMemoryBudgetStore(),
      () => link.up,
      observer,
    );
    expect((await a.reserve(request('a1', 700n))).ok).toBe(true);
    link.up = false;
    a.connectionLost();
    link.up = true; // back, with its keys
    expect(await redis.reservedFor('u')).toBe(700n);
    await a.release('u', 'a1');
    expect(await redis.reservedFor('u')).toBe(0n);
  });
});
