import type { DomainEvent, PowerLevel, Role, Tier } from '@gw/shared-kernel';

export type CapMode = 'soft' | 'hard';
export const CAP_MODES: readonly CapMode[] = ['soft', 'hard'];

export type AccountOpened = DomainEvent<
  'AccountOpened',
  {
    userId: string;
    /** Absent on accounts an admin created by name only. */
    email?: string;
    displayName: string;
    /** Local sign-in name (admin-created accounts); absent on bootstrap and OIDC accounts. */
    username?: string;
    /** Since identity (issue 8). Earlier events have `role` only: read both through `rolesOf`. */
    roles?: Role[];
    /** @deprecated v1 events: one role; new events write `roles`. */
    role?: Role;
    /** Earlier events may say `pro`: read through `upcastTier`. */
    tier: Tier;
    powerLevel: PowerLevel;
    openedAt: string;
  }
>;

export type TierChanged = DomainEvent<
  'TierChanged',
  { userId: string; tier: Tier; previousTier: Tier; changedAt: string }
>;

export type RolesChanged = DomainEvent<
  'RolesChanged',
  { userId: string; roles: Role[]; previousRoles: Role[]; changedAt: string }
>;

export type PowerLevelChanged = DomainEvent<
  'PowerLevelChanged',
  { userId: string; powerLevel: PowerLevel; previousPowerLevel: PowerLevel; changedAt: string }
>;

/** Money as integer micro-dollars in a string; null = no cap. Enforced by the money slice. */
export type SpendingCapSet = DomainEvent<
  'SpendingCapSet',
  { userId: string; monthlyCapMicros: string | null; capMode: CapMode; setAt: string }
>;

/** With byokOnly the platform's provider keys are never used for this account's requests. */
export type ByokOnlySet = DomainEvent<'ByokOnlySet', { userId: string; byokOnly: boolean; setAt: string }>;

/**
 * Below this balance (integer micro-dollars in a string) the portal warns the user; null = no warning.
 * A preference only: nothing is refused for it.
 */
export type LowBalanceAlertSet = DomainEvent<
  'LowBalanceAlertSet',
  { userId: string; lowBalanceAlertMicros: string | null; setAt: string }
>;

export type AccountDisabled = DomainEvent<'AccountDisabled', { userId: string; disabledAt: string }>;

export type AccountEnabled = DomainEvent<'AccountEnabled', { userId: string; enabledAt: string }>;

/**
 * The account is gone for good: it authenticates nowhere and takes no command; its provider keys are
 * removed and shredded after it (keys stream, vault). Its events stay, AccountOpened's name and email
 * included.
 */
export type AccountDeleted = DomainEvent<'AccountDeleted', { userId: string; deletedAt: string }>;

/** The key itself is never in an event: only its SHA-256 hash (for lookup) and a masked prefix. */
export type GatewayKeyIssued = DomainEvent<
  'GatewayKeyIssued',
  { userId: string; keyId: string; name: string; keyHash: string; maskedKey: string; issuedAt: string }
>;

export type GatewayKeyRevoked = DomainEvent<
  'GatewayKeyRevoked',
  { userId: string; keyId: string; revokedAt: string }
>;

/** The roles an AccountOpened grants, whichever version wrote it. */
export const rolesOf = (data: Pick<AccountOpened['data'], 'roles' | 'role'>): Role[] =>
  data.roles ?? (data.role ? [data.role] : ['user']);

export type AccountEvent =
  | AccountOpened
  | TierChanged
  | RolesChanged
  | PowerLevelChanged
  | SpendingCapSet
  | ByokOnlySet
  | LowBalanceAlertSet
  | AccountDisabled
  | AccountEnabled
  | AccountDeleted
  | GatewayKeyIssued
  | GatewayKeyRevoked;

export const ACCOUNT_EVENT_TYPES: ReadonlySet<string> = new Set<AccountEvent['type']>([
  'AccountOpened',
  'TierChanged',
  'RolesChanged',
  'PowerLevelChanged',
  'SpendingCapSet',
  'ByokOnlySet',
  'LowBalanceAlertSet',
  'AccountDisabled',
  'AccountEnabled',
  'AccountDeleted',
  'GatewayKeyIssued',
  'GatewayKeyRevoked',
]);
