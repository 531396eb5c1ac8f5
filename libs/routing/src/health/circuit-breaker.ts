/**
 * Per-provider circuit breaker, pure and clock-driven (time is passed in): closed → open after too
 * many failures, open → half-open after the cooldown (traffic is let through to probe), half-open →
 * closed on the first success or open again on a failure. Transitions are returned so the caller can
 * record them as ProviderDegraded / ProviderRecovered.
 */
export interface BreakerSettings {
  /** Consecutive failures that open the circuit. */
  readonly consecutiveFailures: number;
  /** Error rate over the recent window that opens it (with at least `minSamples` outcomes). */
  readonly errorRate: number;
  readonly window: number;
  readonly minSamples: number;
  readonly cooldownMs: number;
}

export const DEFAULT_BREAKER_SETTINGS: BreakerSettings = {
  consecutiveFailures: 5,
  errorRate: 0.5,
  window: 20,
  minSamples: 10,
  cooldownMs: 30_000,
};

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerTransition {
  readonly from: BreakerState;
  readonly to: BreakerState;
  readonly reason: string;
  readonly errorRate: number;
  readonly consecutiveFailures: number;
  readonly at: number;
}

export class CircuitBreaker {
  private state: BreakerState = 'closed';
  private consecutive = 0;
  private outcomes: boolean[] = [];
  private openedAt = 0;

  constructor(private readonly settings: BreakerSettings = DEFAULT_BREAKER_SETTINGS) {}

  get current(): BreakerState {
    return this.state;
  }

  get openSince(): number | null {
    return this.state === 'closed' ? null : this.openedAt;
  }

  /** May a request go to this provider now? Moves open → half-open once the cooldown is over. */
  allows(now: number): { allowed: boolean; transition?: BreakerTransition } {
    if (this.state === 'open' && now - this.openedAt >= this.settings.cooldownMs) {
      return {
        allowed: true,
        transition: this.move('half_open', 'cooldown over: probing with traffic', now),
      };
    }
    return { allowed: this.state !== 'open' };
  }

  /**
   * A request succeeded. After the cooldown (half-open) that closes the circuit. While it is still
   * open, a `trial` (panic mode: every candidate was down, so the request was sent anyway) closes it
   * at once; a request that was merely in flight when the circuit opened does not.
   */
  recordSuccess(now: number, trial = false): BreakerTransition | undefined {
    this.consecutive = 0;
    this.remember(true);
    if (this.state === 'half_open') return this.move('closed', 'a request succeeded after the cooldown', now);
    if (this.state === 'open' && trial)
      return this.move('closed', 'a trial request succeeded while every candidate was down', now);
    return undefined;
  }

  /**
   * An active probe reached the provider and its key was accepted: that is evidence enough to close
   * the circuit at once, without waiting for the cooldown to run out.
   */
  recordProbeSuccess(now: number): BreakerTransition | undefined {
    this.consecutive = 0;
    this.remember(true);
    if (this.state !== 'closed') return this.move('closed', 'an active health probe succeeded', now);
    return undefined;
  }

  recordFailure(now: number, reason: string, trial = false): BreakerTransition | undefined {
    this.consecutive += 1;
    this.remember(false);
    if (this.state === 'half_open') {
      this.openedAt = now;
      return this.move('open', `still failing after the cooldown: ${reason}`, now);
    }
    if (this.state === 'open') {
      // A failed panic-mode trial: like a failed half-open probe, the cooldown starts again.
      if (trial) this.openedAt = now;
      return undefined;
    }
    const rate = this.errorRate();
    if (this.consecutive >= this.settings.consecutiveFailures) {
      this.openedAt = now;
      return this.move('open', `${this.consecutive} consecutive failures (last: ${reason})`, now);
    }
    if (this.outcomes.length >= this.settings.minSamples && rate >= this.settings.errorRate) {
      this.openedAt = now;
      return this.move(
        'open',
        `error rate ${Math.round(rate * 100)} % over the last ${this.outcomes.length} requests (last: ${reason})`,
        now,
      );
    }
    return undefined;
  }

  errorRate(): number {
    if (this.outcomes.length === 0) return 0;
    return this.outcomes.filter((ok) => !ok).length / this.outcomes.length;
  }

  private remember(ok: boolean): void {
    this.outcomes.push(ok);
    if (this.outcomes.length > this.settings.window) this.outcomes.shift();
  }

  private move(to: BreakerState, reason: string, at: number): BreakerTransition {
    const transition = {
      from: this.state,
      to,
      reason,
      errorRate: this.errorRate(),
      consecutiveFailures: this.consecutive,
      at,
    };
    this.state = to;
    if (to === 'closed') this.outcomes = [];
    return transition;
  }
}
