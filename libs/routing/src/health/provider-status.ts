import type { ProviderStatus as CatalogProviderStatus } from '@gw/catalog';
import type { PublicHealth } from '../offer/model-offer';
import type { BreakerState } from './circuit-breaker';
import type { ProviderHealthLastChange, ProviderHealthStatus } from './provider-health-report';

/** How far back `degraded` looks, and what it takes. */
export const STATUS_RECENT_MS = 15 * 60_000;
export const STATUS_MIN_FAILURES = 3;
export const STATUS_MIN_FAILURE_SHARE = 0.1;

export interface ProviderStatusInput {
  /** The provider's latest health change (its platform key's circuit), if any. */
  readonly lastChange: Pick<ProviderHealthLastChange, 'kind'> | null;
  /** Upstream attempts and failed ones over the last STATUS_RECENT_MS. */
  readonly recent: { readonly attempts: number; readonly failures: number };
  /** This instance's breaker for the platform key, when known. */
  readonly breaker?: BreakerState;
}

/**
 * `down` while the latest health change is `degraded` (the circuit opened and has not recovered);
 * `degraded` when, over the last 15 minutes, at least 3 attempts failed and they are at least 10 %
 * of the attempts, or while the breaker is half-open (on trial); `healthy` otherwise.
 */
export function providerStatus({ lastChange, recent, breaker }: ProviderStatusInput): ProviderHealthStatus {
  if (lastChange?.kind === 'degraded') return 'down';
  if (breaker === 'half_open') return 'degraded';
  if (
    recent.failures >= STATUS_MIN_FAILURES &&
    recent.attempts > 0 &&
    recent.failures / recent.attempts >= STATUS_MIN_FAILURE_SHARE
  )
    return 'degraded';
  return 'healthy';
}

/**
 * What users read in the catalog: `down` when the catalog says the provider cannot serve (disabled,
 * unreachable) or the read model says its circuit is open; `unknown` when it has no platform key
 * (callers' own keys serve it, whose health is theirs); else the read model's status.
 */
export function publicHealthFromStatus(
  catalogStatus: CatalogProviderStatus,
  status: ProviderHealthStatus,
): PublicHealth {
  if (catalogStatus === 'disabled' || catalogStatus === 'unreachable') return 'down';
  if (status === 'down') return 'down';
  if (catalogStatus === 'needs_key') return 'unknown';
  return status;
}
