import type { AccountEntry, CapMode, GatewayKeyView, Principal, TierPolicy } from '@gw/accounts';
import type { PowerLevel, Role, Tier } from '@gw/shared-kernel';

/** GET /api/v1/me */
export interface MeView {
  readonly id: string;
  readonly name: string;
  readonly roles: readonly Role[];
  readonly tier: Tier;
  readonly powerLevel: PowerLevel;
  readonly allowedPowerLevels: readonly PowerLevel[];
  readonly byok: { readonly allowed: boolean; readonly keysPerProvider: number };
}

/** GET/PUT /api/v1/me/settings */
export interface SettingsView {
  readonly powerLevel: PowerLevel;
  readonly monthlyCapMicros: string | null;
  readonly capMode: CapMode;
  readonly byokOnly: boolean;
  /** The portal warns below this balance (micro-dollars); null: no warning. */
  readonly lowBalanceAlertMicros: string | null;
}

/** An account as admins see it (GET /api/v1/admin/users, …/:id). */
export interface UserView extends SettingsView {
  readonly id: string;
  readonly name: string;
  readonly username: string | null;
  readonly email: string | null;
  readonly roles: readonly Role[];
  readonly tier: Tier;
  readonly disabled: boolean;
  readonly createdAt: string;
  /** Active gateway keys. */
  readonly apiKeys: number;
}

/** GET /api/v1/admin/tiers */
export interface TierPolicyView {
  readonly version: number;
  readonly tiers: TierPolicy;
}

/** A just-issued gateway key: the only answer that ever holds the key. */
export interface IssuedKeyView extends GatewayKeyView {
  readonly apiKey: string;
}

/** GET /api/v1/me/api-keys */
export interface GatewayKeyList {
  readonly data: readonly GatewayKeyView[];
}

/** GET /api/v1/admin/users: a page, by name. */
export interface UserList {
  readonly data: readonly UserView[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
  /** How many users match `q` in all (every page). */
  readonly total: number;
}

/** POST /api/v1/admin/users (its URL is in `Location`). */
export interface CreatedUserView {
  readonly id: string;
}

/** POST /api/v1/admin/users/:id/api-keys: the only answer that ever holds the key. */
export type AdminIssuedKeyView = Pick<IssuedKeyView, 'id' | 'apiKey' | 'maskedKey'>;

export const toMeView = (account: AccountEntry, principal: Principal, policy: TierPolicy): MeView => {
  const rules = policy[account.tier];
  return {
    id: account.userId,
    name: account.name,
    roles: principal.roles,
    tier: account.tier,
    powerLevel: account.powerLevel,
    allowedPowerLevels: rules.powerLevels,
    byok: { allowed: rules.byok.allowed, keysPerProvider: rules.byok.keysPerProvider },
  };
};

export const toSettingsView = (a: AccountEntry): SettingsView => ({
  powerLevel: a.powerLevel,
  monthlyCapMicros: a.monthlyCapMicros,
  capMode: a.capMode,
  byokOnly: a.byokOnly,
  lowBalanceAlertMicros: a.lowBalanceAlertMicros,
});

export const toUserView = (a: AccountEntry, apiKeys: number): UserView => ({
  id: a.userId,
  name: a.name,
  username: a.username ?? null,
  email: a.email ?? null,
  roles: a.roles,
  tier: a.tier,
  disabled: a.disabled,
  ...toSettingsView(a),
  createdAt: a.openedAt,
  apiKeys,
});
