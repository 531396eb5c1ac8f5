import type { Micros } from '@gw/shared-kernel';
import type { BudgetSeen, BudgetSnapshot, ReserveOutcome, ReserveRequest, SettleRequest } from '../budget';
import type { BudgetStore } from '../budget-store.port';

/** Told once when an outage starts and once when it ends (the log line, the degraded gauge). */
export interface BudgetFallbackObserver {
  degraded(error: Error): void;
  recovered(): void;
}

/** A shared store that can say what reservations are still held in it. */
export interface DrainableBudgetStore extends BudgetStore {
  liveReservations(): Promise<number>;
  reservedFor(userId: string): Promise<Micros>;
}

/** How often, while draining, the fallback is asked whether it still holds any reservation. */
const DRAIN_CHECK_MS = 500;

/**
 * Redis when it answers, else the fallback store every instance shares (PostgreSQL): a hard cap is
 * never exceeded because Redis is down, and requests are not refused for it either. A request is
 * settled or released in the store that reserved it. When Redis is back, reservations go to it again
 * at once; until the fallback holds no reservation, each one counts the user's reservations still
 * held there (so no request in flight is invisible to the store that decides).
 */
export class FallbackBudgetStore implements BudgetStore {
  private isDegraded = false;
  /** Redis is back, the fallback still holds reservations of requests in flight. */
  private draining = false;
  private nextDrainCheck = 0;
  private readonly reservedIn = new Map<string, BudgetStore>();

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
        const outcome = await this.primary.reserve(await this.withDraining(request));
        if (outcome.ok) this.reservedIn.set(request.reservationId, this.primary);
        return outcome;
      } catch (e) {
        // A reservation that timed out may still have been made: free it when Redis answers (else
        // it is swept after its TTL).
        this.primary.release(request.userId, request.reservationId).catch(() => undefined);
        this.down(e);
      }
    }
    const outcome = await this.fallback.reserve(request);
    if (outcome.ok) this.reservedIn.set(request.reservationId, this.fallback);
    return outcome;
  }

  async settle(request: SettleRequest): Promise<void> {
    const store =
      this.reservedIn.get(request.reservationId) ?? (this.isDegraded ? this.fallback : this.primary);
    this.reservedIn.delete(request.reservationId);
    await store.settle(request);
  }

  /** Rare (events not written after settling): taken back where reservations go now. */
  async unsettle(request: SettleRequest): Promise<void> {
    await (this.isDegraded ? this.fallback : this.primary).unsettle(request);
  }

  async release(userId: string, reservationId: string): Promise<void> {
    const store = this.reservedIn.get(reservationId);
    this.reservedIn.delete(reservationId);
    if (store) await store.release(userId, reservationId);
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
  }
}
