import { upcastTier, type PowerLevel, type RecordedEvent, type Role, type Tier } from '@gw/shared-kernel';
import type { AccountEvent } from '../domain/account.events';
import { ACCOUNT_EVENT_TYPES, rolesOf } from '../domain/account.events';
import type { Principal } from './principal';

export interface AccountEntry {
  readonly userId: string;
  readonly email: string;
  readonly roles: readonly Role[];
  readonly tier: Tier;
  readonly powerLevel: PowerLevel;
}

export interface KeyEntry {
  readonly keyHash: string;
  readonly keyId: string;
  readonly userId: string;
  readonly revoked: boolean;
}

/**
 * The hot path's view of accounts and gateway keys, held in memory and fed by account events.
 * Applying an event twice gives the same state, so replaying an overlap after a snapshot load is safe.
 */
export class AccessDirectory {
  private readonly accounts = new Map<string, AccountEntry>();
  private readonly keys = new Map<string, KeyEntry>();
  private readonly keyHashById = new Map<string, string>();

  load(accounts: readonly AccountEntry[], keys: readonly KeyEntry[]): void {
    for (const a of accounts) this.accounts.set(a.userId, a);
    for (const k of keys) {
      this.keys.set(k.keyHash, k);
      this.keyHashById.set(k.keyId, k.keyHash);
    }
  }

  apply(event: RecordedEvent): void {
    if (!ACCOUNT_EVENT_TYPES.has(event.type)) return;
    const e = event as unknown as AccountEvent;
    switch (e.type) {
      case 'AccountOpened':
        this.accounts.set(e.data.userId, {
          userId: e.data.userId,
          email: e.data.email,
          roles: rolesOf(e.data),
          tier: upcastTier(e.data.tier),
          powerLevel: e.data.powerLevel,
        });
        return;
      case 'GatewayKeyIssued':
        this.keys.set(e.data.keyHash, {
          keyHash: e.data.keyHash,
          keyId: e.data.keyId,
          userId: e.data.userId,
          revoked: false,
        });
        this.keyHashById.set(e.data.keyId, e.data.keyHash);
        return;
      case 'GatewayKeyRevoked': {
        const hash = this.keyHashById.get(e.data.keyId);
        const key = hash ? this.keys.get(hash) : undefined;
        if (key) this.keys.set(key.keyHash, { ...key, revoked: true });
        return;
      }
    }
  }

  principalForKeyHash(keyHash: string): Principal | undefined {
    const key = this.keys.get(keyHash);
    if (!key || key.revoked) return undefined;
    const account = this.accounts.get(key.userId);
    if (!account) return undefined;
    return {
      userId: account.userId,
      keyId: key.keyId,
      roles: account.roles,
      tier: account.tier,
      powerLevel: account.powerLevel,
    };
  }

  account(userId: string): AccountEntry | undefined {
    return this.accounts.get(userId);
  }

  accountCount(): number {
    return this.accounts.size;
  }
}
