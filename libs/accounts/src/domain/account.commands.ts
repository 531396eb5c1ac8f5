import type { PowerLevel, Role, Tier } from '@gw/shared-kernel';
import type { CapMode } from './account.events';
import type { TierPolicy } from './tier-policy';

export interface OpenAccount {
  readonly type: 'OpenAccount';
  readonly data: {
    userId: string;
    /** Optional: admins create accounts by name; OIDC and bootstrap accounts have one. */
    email?: string;
    displayName: string;
    username?: string;
    roles: Role[];
    tier: Tier;
    powerLevel: PowerLevel;
  };
  readonly metadata: { now: Date };
}

/** The raw key is created outside the decider; only its hash and masked form come in. */
export interface IssueGatewayKey {
  readonly type: 'IssueGatewayKey';
  readonly data: { userId: string; keyId: string; name: string; keyHash: string; maskedKey: string };
  readonly metadata: { now: Date };
}

export interface RevokeGatewayKey {
  readonly type: 'RevokeGatewayKey';
  readonly data: { userId: string; keyId: string };
  readonly metadata: { now: Date };
}

/**
 * What an admin (tier, roles, disabled) or the user (power level, cap, byokOnly, low-balance alert) changes; only the
 * fields given change, and only real changes become events.
 */
export interface AccountChanges {
  readonly tier?: Tier;
  readonly roles?: readonly Role[];
  readonly disabled?: boolean;
  readonly powerLevel?: PowerLevel;
  /** Either part alone keeps the other as it is. */
  readonly spendingCap?: { readonly monthlyCapMicros?: string | null; readonly capMode?: CapMode };
  readonly byokOnly?: boolean;
  /** Warn below this balance (micro-dollars as a string); null: never warn. */
  readonly lowBalanceAlertMicros?: string | null;
}

/** The tier policy in force is resolved by the handler (from the tier-policy stream) and passed in. */
export interface UpdateAccount {
  readonly type: 'UpdateAccount';
  readonly data: { userId: string; changes: AccountChanges; tierPolicy: TierPolicy };
  readonly metadata: { now: Date };
}

/** Deleting a deleted account is no change (the caller finishes the clean-up it may have left). */
export interface DeleteAccount {
  readonly type: 'DeleteAccount';
  readonly data: { userId: string };
  readonly metadata: { now: Date };
}

export type AccountCommand = OpenAccount | IssueGatewayKey | RevokeGatewayKey | UpdateAccount | DeleteAccount;
