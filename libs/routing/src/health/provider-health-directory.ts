import type { BreakerState } from './circuit-breaker';

/** A provider as the health report names it. */
export interface HealthDirectoryEntry {
  readonly slug: string;
  readonly name: string;
  readonly enabled: boolean;
}

/**
 * What the health queries need from outside the read model: the catalog's providers (names, enabled)
 * and this instance's breaker of a provider's platform key. The app provides it (the gateway from its
 * in-memory catalog and health tracker).
 */
export interface ProviderHealthDirectory {
  providers(): readonly HealthDirectoryEntry[];
  breakerState(slug: string): BreakerState | undefined;
}

export const PROVIDER_HEALTH_DIRECTORY = Symbol('PROVIDER_HEALTH_DIRECTORY');
