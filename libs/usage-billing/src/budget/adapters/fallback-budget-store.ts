import type { Micros, RedisFieldGuard } from '@gw/shared-kernel';
import type { BudgetSeen, BudgetSnapshot, ReserveOutcome, ReserveRequest, SettleRequest } from '../budget';
import type { BudgetStore } from '../budget-store.port';

/** Told once when an outage starts and once when it ends (the log line, the degraded gauge). */
export interface BudgetFallbackObserver {
  degraded(error: Error): void;
  recovered(): void;
}

/** A shared store that can say what reservations are still held in it, and take some over. */
export interface DrainableBudgetStore extends BudgetStore {
  liveReservations(): Promise<number>;
  reservedFor(userId: string): Promise<Micros>;
  /** Holds a reservation admitted in another store, as it is, without deciding again. */
  adopt(request: ReserveRequest): Promise<void>;
}

/** Where a request's reservation is held, and what it asked for (to move it). */
interface Held {
  readonly store: BudgetStore;
  readonly request: ReserveRequest;
  /** Moved from the primary: it may still be there when Redis comes back. */
  readonly moved?: true;
}

/** How often, while draining, the fallback is asked whether it still holds any reservation. */
const DRAIN_CHECK_MS = 500;

/**
 * Redis when it answers, else the fallback store every instance shares (PostgreSQL): a hard cap is
 * never exceeded because Redis is down, and requests are not refused for it either. A request is
 * settled or released in the store that holds its reservation. When Redis goes away (the client's
 * connection closes, or a call fails), the reservations of this instance's requests in flight move
 * to the fallback (adopted as they are), so the instances deciding there see them; calls wait for
 * the move. When Redis is back, reservations go to it again at once; until the fallback holds no
 * reservation, each one counts the user's reservations still held there (so no request in flight is
 * invisible to the store that decides).
 */
export class FallbackBudgetStore implements BudgetStore {
  private isDegraded = false;
  /** Redis is back, the fallback still holds reservations of requests in flight. */
  private draining = false;
  private nextDrainCheck = 0;
  private readonly reservedIn = new Map<string, Held>();
  /** The move of in-flight reservations to the fallback, while one runs. */
  private moving: Promise<void> | null = null;

  constructor(
    private readonly primary: BudgetStore,
    private readonly fallback: DrainableBudgetStore,
    private readonly available: () => boolean,
    private readonly observer: BudgetFallbackObserver,
  ) {}

  get degraded(): boolean {
    return this.isDegraded;
  }

  async reserve(request: ReserveRequest): Promise<ReserveOutcome> {
    if (this.usePrimary()) {
      try {
        // Sent to Redis before the first await when not draining (holdGuard relies on it).
        const outcome = await this.primary.reserve(
          this.draining ? await this.withDraining(request) : request,
        );
        if (outcome.ok) this.reservedIn.set(request.reservationId, { store: this.primary, request });
        return outcome;
      } catch (e) {
        // A reservation that timed out may still have been made: free it when Redis answers (else
        // it is swept after its TTL).
        this.primary.release(request.userId, request.reservationId).catch(() => undefined);
        this.down(e);
      }
    }
    if (this.moving) await this.moving;
    const outcome = await this.fallback.reserve(request);
    if (outcome.ok) this.reservedIn.set(request.reservationId, { store: this.fallback, request });
    return outcome;
  }

  async settle(request: SettleRequest): Promise<void> {
    if (this.moving) await this.moving;
    const held = this.reservedIn.get(request.reservationId);
    const store = held?.store ?? (this.isDegraded ? this.fallback : this.primary);
    this.reservedIn.delete(request.reservationId);
    if (held?.moved) this.forgetInPrimary(request.userId, request.reservationId);
    try {
      await store.settle(request);
    } catch (e) {
      if (store === this.primary) this.down(e);
      throw e;
    }
  }

  /**
   * The client's connection to Redis closed: this instance's reservations in flight move to the
   * fallback now, before another instance decides there without them.
   */
  connectionLost(): void {
    this.down(new Error('connection closed'));
  }

  /**
   * The primary's guard for a reservation `reserve` has just sent to it: only while Redis is in use
   * and not draining (then `reserve` writes the command before its first await).
   */
  holdGuard(userId: string, reservationId: string): RedisFieldGuard | undefined {
    if (this.isDegraded || this.draining || !this.available()) return undefined;
    return this.primary.holdGuard?.(userId, reservationId);
  }

  /** Rare (events not written after settling): taken back where reservations go now. */
  async unsettle(request: SettleRequest): Promise<void> {
    await (this.isDegraded ? this.fallback : this.primary).unsettle(request);
  }

  async release(userId: string, reservationId: string): Promise<void> {
    if (this.moving) await this.moving;
    const held = this.reservedIn.get(reservationId);
    this.reservedIn.delete(reservationId);
    if (held?.moved) this.forgetInPrimary(userId, reservationId);
    if (held) await held.store.release(userId, reservationId);
  }

  /** A moved reservation's copy in Redis, freed if Redis answers (else its TTL sweeps it). */
  private forgetInPrimary(userId: string, reservationId: string): void {
    this.primary.release(userId, reservationId).catch(() => undefined);
  }

  async snapshot(userId: string, month: string, seen: BudgetSeen): Promise<BudgetSnapshot> {
    if (this.usePrimary()) {
      try {
        return await this.primary.snapshot(userId, month, seen);
      } catch (e) {
        this.down(e);
      }
    }
    return this.fallback.snapshot(userId, month, seen);
  }

  async close(): Promise<void> {
    await this.primary.close();
    await this.fallback.close();
  }

  private usePrimary(): boolean {
    if (!this.available()) {
      this.down(new Error('not connected'));
      return false;
    }
    if (this.isDegraded) {
      this.isDegraded = false;
      this.draining = true;
      this.nextDrainCheck = 0;
      this.observer.recovered();
    }
    return true;
  }

  /** While draining, the user's reservations still held by the fallback count as spent. */
  private async withDraining(request: ReserveRequest): Promise<ReserveRequest> {
    if (!this.draining) return request;
    const now = Date.now();
    if (now >= this.nextDrainCheck) {
      this.nextDrainCheck = now + DRAIN_CHECK_MS;
      if ((await this.fallback.liveReservations()) === 0) {
        this.draining = false;
        return request;
      }
    }
    const held = await this.fallback.reservedFor(request.userId);
    if (held === 0n) return request;
    const { seen } = request;
    return {
      ...request,
      seen: {
        ...seen,
        balanceMicros: seen.balanceMicros - held,
        monthSpendMicros: seen.monthSpendMicros + held,
      },
    };
  }

  private down(e: unknown): void {
    if (this.isDegraded) return;
    this.isDegraded = true;
    this.draining = false;
    this.observer.degraded(e instanceof Error ? e : new Error(String(e)));
    const move = this.moveHolds().finally(() => {
      if (this.moving === move) this.moving = null;
    });
    this.moving = move;
  }

  /** The reservations held in the primary move to the fallback; one that cannot stays (its TTL). */
  private async moveHolds(): Promise<void> {
    const held = [...this.reservedIn].filter(([, h]) => h.store === this.primary);
    await Promise.all(
      held.map(async ([id, h]) => {
        try {
          await this.fallback.adopt(h.request);
          if (this.reservedIn.get(id) === h)
            this.reservedIn.set(id, { ...h, store: this.fallback, moved: true });
        } catch {
          // The fallback is unreachable too: the reservation stays where it was.
        }
      }),
    );
  }
}
