import type { ProviderHealthView } from '../ranking/rank-candidates';
import {
  CircuitBreaker,
  DEFAULT_BREAKER_SETTINGS,
  type BreakerSettings,
  type BreakerState,
  type BreakerTransition,
} from './circuit-breaker';

const ALPHA = 0.1;

/**
 * Which key paid for a call: the provider's platform key, or (BYOK) one of a user's own keys.
 * Circuits, pauses and error rates are kept per provider *and* credential, so one rate-limited or
 * revoked key never takes a provider out for callers who use another.
 */
export const PLATFORM_CREDENTIAL = 'platform';

export interface ProviderHealthSnapshot {
  readonly provider: string;
  readonly credential: string;
  readonly state: BreakerState;
  /** Failures among the breaker's recent window, 0..1. */
  readonly recentErrorRate: number;
  /** Exponentially weighted error rate used by the routing score, 0..1. */
  readonly smoothedErrorRate: number;
  readonly openSince: string | null;
  /** Set while the provider's own retry-after is in force. */
  readonly pausedUntil: string | null;
  readonly lastFailureAt: string | null;
}

/** What routing may do with a provider credential right now. */
export type Availability =
  | { readonly kind: 'available' }
  /** Its circuit is open: skipped while anything else can serve; a panic-mode trial otherwise. */
  | { readonly kind: 'circuit_open'; readonly untilMs: number; readonly lastFailureAt: number }
  /** The provider itself asked for a pause (retry-after): never tried before then. */
  | { readonly kind: 'paused'; readonly untilMs: number };

/** Which credential an attempt used, and whether it was a panic-mode trial of an open circuit. */
export interface AttemptInfo {
  readonly credential?: string;
  readonly trial?: boolean;
}

const AVAILABLE: Availability = { kind: 'available' };

interface CredentialHealth {
  readonly provider: string;
  readonly credential: string;
  readonly breaker: CircuitBreaker;
  errorRate: number;
  pausedUntil: number | undefined;
  lastFailureAt: number | undefined;
}

export type HealthTransitionListener = (
  provider: string,
  transition: BreakerTransition,
  credential: string,
) => void;

/**
 * Passive health from live traffic, in memory: per provider credential an exponentially weighted
 * error rate (the routing score's penalty), a circuit breaker whose transitions are reported to
 * `onTransition` (the gateway records the platform key's as events), the provider's own retry-after
 * pause and the time of the last failure (panic mode tries the least recently failed first); latency
 * per model. Only failures that say something about the provider count: a request the upstream
 * refused as malformed does not.
 */
export class ProviderHealthTracker implements ProviderHealthView {
  private readonly entries = new Map<string, CredentialHealth>();
  private readonly latencies = new Map<string, number>();

  constructor(
    private readonly onTransition: HealthTransitionListener = () => undefined,
    private readonly settings: BreakerSettings = DEFAULT_BREAKER_SETTINGS,
    private readonly now: () => number = Date.now,
  ) {}

  get cooldownMs(): number {
    return this.settings.cooldownMs;
  }

  /** @param outcome.trial the request was a panic-mode trial of an open circuit (see CircuitBreaker). */
  recordSuccess(
    provider: string,
    modelId: string,
    latencyMs: number,
    { credential = PLATFORM_CREDENTIAL, trial = false }: AttemptInfo = {},
  ): void {
    const entry = this.entry(provider, credential);
    entry.errorRate *= 1 - ALPHA;
    const prev = this.latencies.get(modelId);
    this.latencies.set(modelId, prev === undefined ? latencyMs : prev * (1 - ALPHA) + latencyMs * ALPHA);
    this.report(entry, entry.breaker.recordSuccess(this.now(), trial));
  }

  /**
   * @param retryAfterMs the provider's own `retry-after`: routing leaves the credential alone that
   *   long (capped at the breaker cooldown, so a bogus header cannot take a provider out for hours).
   */
  recordFailure(
    provider: string,
    reason: string,
    retryAfterMs?: number,
    { credential = PLATFORM_CREDENTIAL, trial = false }: AttemptInfo = {},
  ): void {
    const entry = this.entry(provider, credential);
    entry.errorRate = entry.errorRate * (1 - ALPHA) + ALPHA;
    const now = this.now();
    entry.lastFailureAt = now;
    if (retryAfterMs !== undefined && retryAfterMs > 0) {
      entry.pausedUntil = now + Math.min(retryAfterMs, this.settings.cooldownMs);
    }
    this.report(entry, entry.breaker.recordFailure(now, reason, trial));
  }

  /**
   * The outcome of an active probe (a free call such as listing models). Success closes an open
   * circuit; it does not lift a retry-after pause (listing models says nothing of the chat quota).
   * Failure counts like a failed request.
   */
  recordProbe(
    provider: string,
    outcome: { ok: true } | { ok: false; reason: string; retryAfterMs?: number },
    credential = PLATFORM_CREDENTIAL,
  ): void {
    if (!outcome.ok) {
      this.recordFailure(provider, `probe: ${outcome.reason}`, outcome.retryAfterMs, { credential });
      return;
    }
    const entry = this.entry(provider, credential);
    entry.errorRate *= 1 - ALPHA;
    this.report(entry, entry.breaker.recordProbeSuccess(this.now()));
  }

  errorRate(provider: string, credential = PLATFORM_CREDENTIAL): number {
    return this.entries.get(keyOf(provider, credential))?.errorRate ?? 0;
  }

  latencyMs(modelId: string): number | undefined {
    return this.latencies.get(modelId);
  }

  isAvailable(provider: string, credential = PLATFORM_CREDENTIAL): boolean {
    return this.availability(provider, credential).kind === 'available';
  }

  /**
   * Whether routing may try this credential now and, if not, why and until when. Moves an open
   * circuit whose cooldown is over to half-open (traffic probes it).
   */
  availability(provider: string, credential = PLATFORM_CREDENTIAL): Availability {
    const entry = this.entries.get(keyOf(provider, credential));
    if (!entry) return AVAILABLE;
    const now = this.now();
    if (entry.pausedUntil !== undefined) {
      if (now < entry.pausedUntil) return { kind: 'paused', untilMs: entry.pausedUntil };
      entry.pausedUntil = undefined;
    }
    const { allowed, transition } = entry.breaker.allows(now);
    this.report(entry, transition);
    if (allowed) return AVAILABLE;
    return {
      kind: 'circuit_open',
      untilMs: (entry.breaker.openSince ?? now) + this.settings.cooldownMs,
      lastFailureAt: entry.lastFailureAt ?? 0,
    };
  }

  /**
   * How long until routing may try the credential again (undefined: it may now): the end of the
   * provider's retry-after pause while there is one (panic mode tries an open circuit after that),
   * else the end of an open circuit's cooldown.
   */
  unavailableForMs(provider: string, credential = PLATFORM_CREDENTIAL): number | undefined {
    const entry = this.entries.get(keyOf(provider, credential));
    if (!entry) return undefined;
    const now = this.now();
    const { breaker } = entry;
    const until =
      entry.pausedUntil !== undefined && entry.pausedUntil > now
        ? entry.pausedUntil
        : breaker.current === 'open' && breaker.openSince !== null
          ? breaker.openSince + this.settings.cooldownMs
          : 0;
    return until > now ? until - now : undefined;
  }

  snapshot(provider: string, credential = PLATFORM_CREDENTIAL): ProviderHealthSnapshot {
    const entry = this.entries.get(keyOf(provider, credential));
    const openSince = entry?.breaker.openSince ?? null;
    const iso = (ms: number | null | undefined) =>
      ms === null || ms === undefined ? null : new Date(ms).toISOString();
    return {
      provider,
      credential,
      state: entry?.breaker.current ?? 'closed',
      recentErrorRate: entry?.breaker.errorRate() ?? 0,
      smoothedErrorRate: entry?.errorRate ?? 0,
      openSince: iso(openSince),
      pausedUntil: iso(entry?.pausedUntil),
      lastFailureAt: iso(entry?.lastFailureAt),
    };
  }

  private entry(provider: string, credential: string): CredentialHealth {
    const key = keyOf(provider, credential);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = {
        provider,
        credential,
        breaker: new CircuitBreaker(this.settings),
        errorRate: 0,
        pausedUntil: undefined,
        lastFailureAt: undefined,
      };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private report(entry: CredentialHealth, transition: BreakerTransition | undefined): void {
    if (transition) this.onTransition(entry.provider, transition, entry.credential);
  }
}

/** The platform key's entry is keyed by the provider alone (the common case costs no concatenation). */
const keyOf = (provider: string, credential: string): string =>
  credential === PLATFORM_CREDENTIAL ? provider : `${provider}\u0000${credential}`;
