import type { DomainEvent, PowerLevel, Role, Tier } from '@gw/shared-kernel';

export type AccountOpened = DomainEvent<
  'AccountOpened',
  {
    userId: string;
    email: string;
    displayName: string;
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

export type AccountEvent = AccountOpened | GatewayKeyIssued | GatewayKeyRevoked;

export const ACCOUNT_EVENT_TYPES: ReadonlySet<string> = new Set<AccountEvent['type']>([
  'AccountOpened',
  'GatewayKeyIssued',
  'GatewayKeyRevoked',
]);
