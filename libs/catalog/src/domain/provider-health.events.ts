import type { DomainEvent } from '@gw/shared-kernel';

/** A provider's circuit opened: routing skips it until the cooldown is over. */
export type ProviderDegraded = DomainEvent<
  'ProviderDegraded',
  {
    provider: string;
    reason: string;
    errorRate: number;
    consecutiveFailures: number;
    cooldownMs: number;
    at: string;
  }
>;

/** A provider answered again after its cooldown: routing uses it again. */
export type ProviderRecovered = DomainEvent<
  'ProviderRecovered',
  { provider: string; reason: string; downForMs: number; at: string }
>;

export type ProviderHealthEvent = ProviderDegraded | ProviderRecovered;

export const PROVIDER_HEALTH_EVENT_TYPES: ReadonlySet<string> = new Set([
  'ProviderDegraded',
  'ProviderRecovered',
]);

export const toProviderStreamId = (slug: string): string => `provider-${slug}`;
