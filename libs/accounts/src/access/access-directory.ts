import {
  ForbiddenError,
  upcastTier,
  type PowerLevel,
  type RecordedEvent,
  type Role,
  type Tier,
} from '@gw/shared-kernel';
import type { AccountEvent, CapMode } from '../domain/account.events';
import { ACCOUNT_EVENT_TYPES, rolesOf } from '../domain/account.events';
import { DEFAULT_TIER_POLICY, type TierPolicy } from '../domain/tier-policy';
import { tierPolicyFromEvent } from '../domain/tier-policy.decider';
import { TIER_POLICY_EVENT_TYPES, type TierPolicyEvent } from '../domain/tier-policy.events';
import type { Principal } from './principal';

export interface AccountEntry {
  readonly userId: string;
  readonly email?: string;
  readonly name: string;
  readonly username?: string;
  readonly roles: readonly Role[];
  readonly tier: Tier;
  readonly powerLevel: PowerLevel;
  readonly monthlyCapMicros: string | null;
  readonly capMode: CapMode;
  readonly byokOnly: boolean;
  /** Warn in the portal below this balance (micro-dollars); null: no warning. */
  readonly lowBalanceAlertMicros: string | null;
  readonly disabled: boolean;
  readonly openedAt: string;
  /** The revision of `account-{userId}` this entry reflects (commands wait for it: read-your-writes). */
  readonly revision: bigint;
}

export interface KeyEntry {
  readonly keyHash: string;
  readonly keyId: string;
  readonly userId: string;
  readonly name: string;
  readonly maskedKey: string;
  readonly issuedAt: string;
  readonly revoked: boolean;
}

/** A gateway key as its owner sees it: never the key, never its hash. */
export interface GatewayKeyView {
  readonly id: string;
  readonly name: string;
  readonly maskedKey: string;
  readonly createdAt: string;
  /** When this gateway instance last saw the key used (since its start); null if it has not. */
  readonly lastUsedAt: string | null;
}

/** Every event type the directory folds: the account streams and the tier policy. */
export const ACCESS_DIRECTORY_EVENT_TYPES: ReadonlySet<string> = new Set([
  ...ACCOUNT_EVENT_TYPES,
  ...TIER_POLICY_EVENT_TYPES,
]);

const ACCOUNT_STREAM_PREFIX = 'account-';

/**
 * The hot path's view of accounts, gateway keys and the tier policy, held in memory and fed by the
 * log on every instance (a revoked key or a disabled account is refused as soon as the instance's
 * feed applies the event; a deleted account is forgotten with its keys, leaving a tombstone). Events at or below a stream's applied revision are skipped, so replaying
 * an overlap is safe. Last-used times of keys are kept here only (per instance, not persisted): the
 * hot path never writes for them.
 */
export class AccessDirectory {
  private readonly accounts = new Map<string, AccountEntry>();
  private readonly keys = new Map<string, KeyEntry>();
  private readonly keyHashById = new Map<string, string>();
  private readonly keyIdsByUser = new Map<string, Set<string>>();
  /** keyHash → the principal it resolves to, rebuilt when its account or key changes. */
  private readonly principals = new Map<string, Principal>();
  private readonly lastUsed = new Map<string, number>();
  /** Deleted accounts: userId → the revision of their AccountDeleted (nothing of theirs applies again). */
  private readonly deleted = new Map<string, bigint>();
  private policy: TierPolicy = DEFAULT_TIER_POLICY;
  private policyVersion = 0;

  apply(event: RecordedEvent): void {
    if (TIER_POLICY_EVENT_TYPES.has(event.type)) {
      const e = event as unknown as TierPolicyEvent;
      if (e.data.version <= this.policyVersion) return;
      this.policy = tierPolicyFromEvent(e.data.tiers);
      this.policyVersion = e.data.version;
      return;
    }
    if (!ACCOUNT_EVENT_TYPES.has(event.type)) return;
    const e = event as unknown as AccountEvent;
    const userId = e.data.userId;
    if (this.deleted.has(userId)) return;
    if (e.type === 'AccountDeleted') {
      this.forget(userId, event.revision);
      return;
    }
    const current = this.accounts.get(userId);
    if (current && event.streamId.startsWith(ACCOUNT_STREAM_PREFIX) && event.revision <= current.revision)
      return;
    const revision = event.revision;
    if (e.type === 'AccountOpened') {
      this.accounts.set(userId, {
        userId,
        ...(e.data.email !== undefined && { email: e.data.email }),
        name: e.data.displayName,
        ...(e.data.username !== undefined && { username: e.data.username }),
        roles: rolesOf(e.data),
        tier: upcastTier(e.data.tier),
        powerLevel: e.data.powerLevel,
        monthlyCapMicros: null,
        capMode: 'soft',
        byokOnly: false,
        lowBalanceAlertMicros: null,
        disabled: false,
        openedAt: e.data.openedAt,
        revision,
      });
      this.refreshPrincipals(userId);
      return;
    }
    if (!current) return;
    const next = this.evolveEntry(current, e);
    this.accounts.set(userId, { ...next, revision });
    this.refreshPrincipals(userId);
  }

  /**
   * A deleted account goes at once with its gateway keys and their principals (the next request with
   * one is a 401, as for a key that never existed); only a tombstone with its revision stays.
   */
  private forget(userId: string, revision: bigint): void {
    for (const keyId of this.keyIdsByUser.get(userId) ?? []) {
      const hash = this.keyHashById.get(keyId);
      if (hash !== undefined) {
        this.keys.delete(hash);
        this.principals.delete(hash);
      }
      this.keyHashById.delete(keyId);
      this.lastUsed.delete(keyId);
    }
    this.keyIdsByUser.delete(userId);
    this.accounts.delete(userId);
    this.deleted.set(userId, revision);
  }

  private evolveEntry(a: AccountEntry, e: AccountEvent): AccountEntry {
    switch (e.type) {
      case 'TierChanged':
        return { ...a, tier: upcastTier(e.data.tier) };
      case 'RolesChanged':
        return { ...a, roles: e.data.roles };
      case 'PowerLevelChanged':
        return { ...a, powerLevel: e.data.powerLevel };
      case 'SpendingCapSet':
        return { ...a, monthlyCapMicros: e.data.monthlyCapMicros, capMode: e.data.capMode };
      case 'ByokOnlySet':
        return { ...a, byokOnly: e.data.byokOnly };
      case 'LowBalanceAlertSet':
        return { ...a, lowBalanceAlertMicros: e.data.lowBalanceAlertMicros };
      case 'AccountDisabled':
        return { ...a, disabled: true };
      case 'AccountEnabled':
        return { ...a, disabled: false };
      case 'GatewayKeyIssued': {
        const { keyHash, keyId, userId, name, maskedKey, issuedAt } = e.data;
        this.keys.set(keyHash, { keyHash, keyId, userId, name, maskedKey, issuedAt, revoked: false });
        this.keyHashById.set(keyId, keyHash);
        const ids = this.keyIdsByUser.get(userId) ?? new Set<string>();
        this.keyIdsByUser.set(userId, ids.add(keyId));
        return a;
      }
      case 'GatewayKeyRevoked': {
        const hash = this.keyHashById.get(e.data.keyId);
        const key = hash ? this.keys.get(hash) : undefined;
        if (key) this.keys.set(key.keyHash, { ...key, revoked: true });
        return a;
      }
      default:
        return a;
    }
  }

  private refreshPrincipals(userId: string): void {
    const account = this.accounts.get(userId);
    for (const keyId of this.keyIdsByUser.get(userId) ?? []) {
      const hash = this.keyHashById.get(keyId)!;
      const key = this.keys.get(hash)!;
      if (!account || key.revoked || account.disabled) this.principals.delete(hash);
      else this.principals.set(hash, this.principalOf(account, key.keyId));
    }
  }

  private principalOf(account: AccountEntry, keyId: string): Principal {
    return {
      userId: account.userId,
      keyId,
      roles: account.roles,
      tier: account.tier,
      powerLevel: account.powerLevel,
      byokOnly: account.byokOnly,
    };
  }

  /**
   * Authentication by a gateway key's hash (the hot path: a map lookup and a map write): the
   * principal of an active key, noting its use; undefined for an unknown or revoked key. A key of a
   * disabled account is refused with a 403 that says so, at once on every instance the log has
   * reached.
   */
  principalForKeyHash(keyHash: string, atMs: number = Date.now()): Principal | undefined {
    const principal = this.principals.get(keyHash);
    if (principal) {
      this.lastUsed.set(principal.keyId, atMs);
      return principal;
    }
    if (this.isDisabledKeyHash(keyHash))
      throw new ForbiddenError('AUTH.ACCOUNT_DISABLED', 'This account is disabled; ask an administrator.');
    return undefined;
  }

  /** Would this key authenticate? No side effect (start-up waits, tests). */
  hasActiveKey(keyHash: string): boolean {
    return this.principals.has(keyHash);
  }

  private isDisabledKeyHash(keyHash: string): boolean {
    const key = this.keys.get(keyHash);
    return key !== undefined && !key.revoked && this.accounts.get(key.userId)?.disabled === true;
  }

  /** The principal of an enabled account, for credentials other than gateway keys (tokens). */
  principalForUser(userId: string, keyId: string): Principal | undefined {
    const account = this.accounts.get(userId);
    return account && !account.disabled ? this.principalOf(account, keyId) : undefined;
  }

  /** The account; undefined when there is none or it was deleted. */
  account(userId: string): AccountEntry | undefined {
    return this.accounts.get(userId);
  }

  /** Whether the account was deleted (a tombstone: `account` answers undefined for it). */
  isDeleted(userId: string): boolean {
    return this.deleted.has(userId);
  }

  /** Every account not deleted, in no particular order. */
  allAccounts(): IterableIterator<AccountEntry> {
    return this.accounts.values();
  }

  accountByUsername(username: string): AccountEntry | undefined {
    const wanted = username.toLowerCase();
    for (const a of this.accounts.values()) if (a.username?.toLowerCase() === wanted) return a;
    return undefined;
  }

  /** The revision of `account-{userId}` applied so far (-1 when none). */
  accountRevision(userId: string): bigint {
    return this.accounts.get(userId)?.revision ?? this.deleted.get(userId) ?? -1n;
  }

  /** The user's active gateway keys, oldest first. */
  activeKeys(userId: string): GatewayKeyView[] {
    const views: GatewayKeyView[] = [];
    for (const keyId of this.keyIdsByUser.get(userId) ?? []) {
      const key = this.keys.get(this.keyHashById.get(keyId)!)!;
      if (key.revoked) continue;
      const used = this.lastUsed.get(keyId);
      views.push({
        id: keyId,
        name: key.name,
        maskedKey: key.maskedKey,
        createdAt: key.issuedAt,
        lastUsedAt: used === undefined ? null : new Date(used).toISOString(),
      });
    }
    return views;
  }

  /** One of the user's gateway keys, revoked ones too (usage by key names them); undefined if not theirs. */
  keyOf(userId: string, keyId: string): { name: string; maskedKey: string; revoked: boolean } | undefined {
    const hash = this.keyHashById.get(keyId);
    const key = hash ? this.keys.get(hash) : undefined;
    return key && key.userId === userId
      ? { name: key.name, maskedKey: key.maskedKey, revoked: key.revoked }
      : undefined;
  }

  /** A key's owner and whether it is revoked (its hash stays inside). */
  keyOwner(keyId: string): { userId: string; revoked: boolean } | undefined {
    const hash = this.keyHashById.get(keyId);
    const key = hash ? this.keys.get(hash) : undefined;
    return key && { userId: key.userId, revoked: key.revoked };
  }

  tierPolicy(): TierPolicy {
    return this.policy;
  }

  tierPolicyVersion(): number {
    return this.policyVersion;
  }

  /** Accounts not deleted. */
  accountCount(): number {
    return this.accounts.size;
  }
}
