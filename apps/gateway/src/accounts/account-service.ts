import { Inject, Injectable, Optional } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  AccessDirectory,
  DeleteAccountCommand,
  IssueGatewayKeyCommand,
  LOCAL_CREDENTIALS,
  OpenAccountCommand,
  RevokeGatewayKeyCommand,
  UpdateAccountCommand,
  fittingPowerLevel,
  type AccountChanges,
  type AccountEntry,
  type LocalCredentials,
} from '@gw/accounts';
import {
  newId,
  NotFoundError,
  ValidationError,
  type EventMetadata,
  type Role,
  type Tier,
} from '@gw/shared-kernel';
import { RemoveAllProviderKeysCommand } from '@gw/keys';
import { LOCAL_SIGN_IN, type LocalSignIn } from '../auth/local-sign-in';
import { waitUntil } from '../http/wait-until';
import { KeysState } from '../runtime/keys-state';
import type { IssuedKeyView } from './accounts.views';

export interface NewUser {
  readonly name: string;
  readonly tier: Tier;
  readonly roles?: readonly Role[];
  readonly password?: string;
  readonly username?: string;
  readonly email?: string;
}

/** The default local sign-in name: the display name in lower case, runs of spaces as one dot. */
export const defaultUsername = (name: string): string => name.trim().toLowerCase().replace(/\s+/g, '.');

/**
 * Runs account commands and answers once this instance's access directory has applied their events,
 * so the caller's next request (here) sees the change: a revoked key or a disabled account is
 * refused at once; other instances follow as their feed applies the same events.
 */
@Injectable()
export class AccountService {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(AccessDirectory) private readonly directory: AccessDirectory,
    @Inject(KeysState) private readonly keys: Pick<KeysState, 'hasApplied'>,
    @Optional() @Inject(LOCAL_CREDENTIALS) private readonly credentials?: LocalCredentials,
    @Optional()
    @Inject(LOCAL_SIGN_IN)
    private readonly signIn?: Pick<LocalSignIn, 'signOutEverywhere'> | null,
  ) {}

  /** The account, or a 404 (also for ids of other kinds: nothing tells them apart). */
  account(userId: string): AccountEntry {
    const account = this.directory.account(userId);
    if (!account) throw new NotFoundError('ACCOUNTS.ACCOUNT_NOT_FOUND', 'No such user', { param: 'id' });
    return account;
  }

  /** Opens an account (and its local sign-in when a password is given); returns the new user id. */
  async create(user: NewUser, metadata: EventMetadata): Promise<string> {
    const userId = newId();
    const username = user.username ?? (user.password !== undefined ? defaultUsername(user.name) : undefined);
    if (username !== undefined && this.directory.accountByUsername(username))
      throw new ValidationError('AUTH.USERNAME_TAKEN', 'This username is taken', { param: 'username' });
    if (user.password !== undefined) {
      if (!this.credentials)
        throw new ValidationError(
          'AUTH.LOCAL_SIGN_IN_OFF',
          'This gateway has no local sign-in: leave out password',
          {
            param: 'password',
          },
        );
      // First: it checks the password and that the username is free before anything is recorded.
      await this.credentials.set(userId, username!, user.password);
    }
    const policy = this.directory.tierPolicy();
    try {
      const result = await this.commands.execute(
        new OpenAccountCommand(
          {
            userId,
            displayName: user.name.trim(),
            ...(username !== undefined && { username }),
            ...(user.email !== undefined && { email: user.email }),
            roles: [...(user.roles ?? ['user'])],
            tier: user.tier,
            powerLevel: fittingPowerLevel(policy, user.tier, 'balanced'),
          },
          metadata,
        ),
      );
      await this.caughtUp(userId, result.version);
    } catch (e) {
      if (user.password !== undefined) await this.credentials?.remove(userId);
      throw e;
    }
    return userId;
  }

  async update(userId: string, changes: AccountChanges, metadata: EventMetadata): Promise<AccountEntry> {
    this.account(userId);
    const result = await this.commands.execute(new UpdateAccountCommand(userId, changes, metadata));
    await this.caughtUp(userId, result.version);
    return this.account(userId);
  }

  async issueKey(userId: string, name: string, metadata: EventMetadata): Promise<IssuedKeyView> {
    this.account(userId);
    const issued = await this.commands.execute(new IssueGatewayKeyCommand({ userId, name }, metadata));
    await this.caughtUp(userId, issued.version);
    const view = this.directory.activeKeys(userId).find((k) => k.id === issued.keyId);
    return {
      id: issued.keyId,
      name,
      maskedKey: issued.maskedKey,
      createdAt: view?.createdAt ?? new Date().toISOString(),
      lastUsedAt: null,
      apiKey: issued.apiKey,
    };
  }

  /** Revokes one of `userId`'s keys; another user's key id is a 404, as is an unknown one. */
  async revokeKey(userId: string, keyId: string, metadata: EventMetadata): Promise<void> {
    const owner = this.directory.keyOwner(keyId);
    if (!owner || owner.userId !== userId || owner.revoked)
      throw new NotFoundError('ACCOUNTS.KEY_NOT_FOUND', 'No such gateway key', { param: 'id' });
    const result = await this.commands.execute(new RevokeGatewayKeyCommand({ userId, keyId }, metadata));
    await this.caughtUp(userId, result.version);
  }

  /**
   * Deletes the account for good, in an order that a retry can always finish: AccountDeleted first
   * (the account stops working here and, as their feeds apply it, everywhere), then a KeyRemoved for
   * every provider key left, then the user's vault rows shredded, then the local sign-in and its
   * sessions. Deleting a deleted account records nothing and redoes whatever an earlier try did not
   * get to; an unknown id is a 404. Answers once this instance's views have applied the events.
   */
  async delete(userId: string, metadata: EventMetadata): Promise<void> {
    const deleted = await this.commands.execute(new DeleteAccountCommand({ userId }, metadata));
    await this.caughtUp(userId, deleted.version);
    const removed = await this.commands.execute(
      new RemoveAllProviderKeysCommand({ userId, reason: 'account_deleted' }, metadata),
    );
    await this.credentials?.remove(userId);
    await this.signIn?.signOutEverywhere(userId);
    await waitUntil(() => this.keys.hasApplied(userId, removed.version));
  }

  private async caughtUp(userId: string, version: bigint): Promise<void> {
    await waitUntil(() => this.directory.accountRevision(userId) >= version);
  }
}
