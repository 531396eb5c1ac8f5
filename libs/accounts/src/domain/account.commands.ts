import type { PowerLevel, Role, Tier } from '@gw/shared-kernel';

export interface OpenAccount {
  readonly type: 'OpenAccount';
  readonly data: {
    userId: string;
    email: string;
    displayName: string;
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

export type AccountCommand = OpenAccount | IssueGatewayKey | RevokeGatewayKey;
