import { computed, inject, Injectable, signal } from '@angular/core';
import { AuthStore } from '../auth/auth-store';
import { LowBalanceApi } from './low-balance-api';

/** At most one read of the balance and threshold per this long, however often the user navigates. */
export const LOW_BALANCE_REFRESH_MS = 30_000;
const DISMISSED_KEY = 'gw.lowBalanceDismissed';

interface Reading {
  readonly userId: string;
  readonly balanceMicros: string;
  readonly thresholdMicros: string | null;
  readonly atMs: number;
}

/** Whether a balance (integer micro-dollars) is below a threshold; no threshold, or a malformed value: no. */
export function isBelow(balanceMicros: string, thresholdMicros: string | null): boolean {
  if (thresholdMicros === null || !/^-?\d+$/.test(balanceMicros) || !/^\d+$/.test(thresholdMicros))
    return false;
  return BigInt(balanceMicros) < BigInt(thresholdMicros);
}

function sessionStore(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null; // storage blocked: dismissal lasts until the page reloads
  }
}

/**
 * The low-balance banner's state, for the whole app: the signed-in user's balance and the threshold they
 * set (GET /api/v1/me/credits and /api/v1/me/settings), read again on navigation at most every 30 s, or
 * at once when the credits page says it changed. A dismissal lasts for the browser tab's session.
 */
@Injectable({ providedIn: 'root' })
export class LowBalanceStore {
  private readonly api = inject(LowBalanceApi);
  private readonly auth = inject(AuthStore);
  private readonly reading = signal<Reading | null>(null);
  private readonly dismissedFor = signal<string | null>(sessionStore()?.getItem(DISMISSED_KEY) ?? null);
  private inFlight: Promise<void> | null = null;

  /** The current user's reading; null before one, or when it was another user's. */
  private readonly mine = computed(() => {
    const r = this.reading();
    return r !== null && r.userId === this.auth.me()?.id ? r : null;
  });
  readonly balanceMicros = computed(() => this.mine()?.balanceMicros ?? null);
  readonly thresholdMicros = computed(() => this.mine()?.thresholdMicros ?? null);
  readonly low = computed(() => {
    const r = this.mine();
    return r !== null && isBelow(r.balanceMicros, r.thresholdMicros);
  });
  readonly dismissed = computed(() => {
    const id = this.auth.me()?.id;
    return id !== undefined && this.dismissedFor() === id;
  });
  readonly visible = computed(() => this.low() && !this.dismissed());

  /** After a navigation: reads again when the last reading is 30 s old, or was not this user's. */
  refreshIfStale(nowMs: number = Date.now()): Promise<void> {
    const r = this.mine();
    if (r !== null && nowMs - r.atMs < LOW_BALANCE_REFRESH_MS) return Promise.resolve();
    return this.refresh(nowMs);
  }

  /** Reads both now (one read at a time). A failed read keeps what was known: the banner is a hint. */
  refresh(nowMs: number = Date.now()): Promise<void> {
    const userId = this.auth.me()?.id;
    if (userId === undefined) return Promise.resolve();
    this.inFlight ??= (async () => {
      try {
        const [balance, alert] = await Promise.all([this.api.balance(), this.api.alert()]);
        this.reading.set({
          userId,
          balanceMicros: balance.balanceMicros,
          thresholdMicros: alert.lowBalanceAlertMicros,
          atMs: nowMs,
        });
      } catch {
        // Keep the last reading; the next navigation after 30 s tries again.
      } finally {
        this.inFlight = null;
      }
    })();
    return this.inFlight;
  }

  /** The credits page read the balance, or saved a threshold (which shows the banner again if it applies). */
  report(
    update: { balanceMicros?: string; thresholdMicros?: string | null },
    nowMs: number = Date.now(),
  ): void {
    const userId = this.auth.me()?.id;
    if (userId === undefined) return;
    const known = this.mine();
    if (update.thresholdMicros !== undefined && known?.thresholdMicros !== update.thresholdMicros)
      this.undismiss();
    const balanceMicros = update.balanceMicros ?? known?.balanceMicros;
    const thresholdMicros =
      update.thresholdMicros === undefined ? known?.thresholdMicros : update.thresholdMicros;
    if (balanceMicros === undefined || thresholdMicros === undefined) {
      void this.refresh(nowMs); // the other half is unknown yet
      return;
    }
    this.reading.set({ userId, balanceMicros, thresholdMicros, atMs: nowMs });
  }

  /** Hides the banner until this tab's session ends. */
  dismiss(): void {
    const id = this.auth.me()?.id;
    if (id === undefined) return;
    this.dismissedFor.set(id);
    sessionStore()?.setItem(DISMISSED_KEY, id);
  }

  private undismiss(): void {
    this.dismissedFor.set(null);
    sessionStore()?.removeItem(DISMISSED_KEY);
  }
}
