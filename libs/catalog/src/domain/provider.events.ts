import type { DomainEvent } from '@gw/shared-kernel';
import type { ProviderSpec } from './catalog-specs';

/** A provider as its events carry it (all of it is JSON already). */
export type ProviderSpecData = ProviderSpec;

export type ProviderRegistered = DomainEvent<
  'ProviderRegistered',
  ProviderSpecData & { enabled: boolean; seeded: boolean; registeredBy: string; registeredAt: string }
>;

/** Only the fields that changed, with their new values. */
export type ProviderUpdated = DomainEvent<
  'ProviderUpdated',
  {
    slug: string;
    changes: Partial<Omit<ProviderSpecData, 'slug'>>;
    updatedBy: string;
    updatedAt: string;
  }
>;

/**
 * The platform key was set. The key itself is in the vault under `secretId`; the event carries only
 * what identifies it: masked form, last four characters, keyed fingerprint, key-encryption-key version.
 */
export type PlatformKeySet = DomainEvent<
  'PlatformKeySet',
  {
    slug: string;
    secretId: string;
    masked: string;
    last4: string;
    fingerprint: string;
    kekVersion: number;
    setBy: string;
    setAt: string;
  }
>;

/** The platform key was removed; its vault row is destroyed. */
export type PlatformKeyRemoved = DomainEvent<
  'PlatformKeyRemoved',
  { slug: string; secretId: string; removedBy: string; removedAt: string }
>;

export type ProviderDisabled = DomainEvent<
  'ProviderDisabled',
  { slug: string; reason: string | null; disabledBy: string; disabledAt: string }
>;

export type ProviderEnabled = DomainEvent<
  'ProviderEnabled',
  { slug: string; enabledBy: string; enabledAt: string }
>;

/** Gone from the catalog; the stream (and its history) stays. The slug may be registered again. */
export type ProviderRemoved = DomainEvent<
  'ProviderRemoved',
  { slug: string; removedBy: string; removedAt: string }
>;

export type ProviderEvent =
  | ProviderRegistered
  | ProviderUpdated
  | PlatformKeySet
  | PlatformKeyRemoved
  | ProviderDisabled
  | ProviderEnabled
  | ProviderRemoved;

export const PROVIDER_EVENT_TYPES: readonly ProviderEvent['type'][] = [
  'ProviderRegistered',
  'ProviderUpdated',
  'PlatformKeySet',
  'PlatformKeyRemoved',
  'ProviderDisabled',
  'ProviderEnabled',
  'ProviderRemoved',
];
