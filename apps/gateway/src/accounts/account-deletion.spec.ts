import type { CommandBus } from '@nestjs/cqrs';
import {
  AccessDirectory,
  DeleteAccountCommand,
  DeleteAccountHandler,
  hashGatewayKey,
  IssueGatewayKeyCommand,
  IssueGatewayKeyHandler,
  OpenAccountCommand,
  OpenAccountHandler,
  type LocalCredentials,
} from '@gw/accounts';
import { InMemoryEventStore } from '@gw/eventstore';
import { InMemoryKeyVault, KeyEncryptionKeys, type VaultScope } from '@gw/key-vault';
import {
  AddProviderKeyCommand,
  KeysView,
  RemoveAllProviderKeysCommand,
  userKeyRef,
  type ByokAllowance,
} from '@gw/keys';
// Handlers are not part of the keys library's index (the KeysModule registers them).
import { AddProviderKeyHandler } from '../../../../libs/keys/src/commands/add-provider-key/add-provider-key.handler';
import { RemoveAllProviderKeysHandler } from '../../../../libs/keys/src/commands/remove-all-provider-keys/remove-all-provider-keys.handler';
import { NotFoundError } from '@gw/shared-kernel';
import { AccountService } from './account-service';

const clock = { now: () => new Date('2026-12-01T12:00:00.000Z') };
const metadata = { correlationId: 'c1', actorId: 'admin1', actorKind: 'admin' as const };
const pro: ByokAllowance = { allowed: true, keysPerProvider: 5, unlockedBy: 'starter', tier: 'professional' };

/** A vault whose destroyOwner fails `failures` times (the crash between the events and the shredding). */
class FlakyVault extends InMemoryKeyVault {
  failures = 1;
  override async destroyOwner(scope: VaultScope, ownerId: string): Promise<number> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('vault unreachable');
    }
    return super.destroyOwner(scope, ownerId);
  }
}

class MemoryCredentials implements LocalCredentials {
  readonly users = new Map<string, string>();
  async set(userId: string, username: string): Promise<void> {
    this.users.set(userId, username);
  }
  async verify(): Promise<string | undefined> {
    return undefined;
  }
  async verifyUser(): Promise<boolean> {
    return false;
  }
  async remove(userId: string): Promise<void> {
    this.users.delete(userId);
  }
}

/**
 * The deletion through AccountService with the real handlers, an in-memory log and vault; the
 * instance's views (access directory, keys view) are fed after every command, as the feed would.
 */
function setup() {
  const store = new InMemoryEventStore();
  const vault = new FlakyVault(KeyEncryptionKeys.generate());
  const directory = new AccessDirectory();
  const keysView = new KeysView();
  const handlers = new Map<unknown, { execute(command: never): Promise<unknown> }>([
    [OpenAccountCommand, new OpenAccountHandler(store, clock)],
    [IssueGatewayKeyCommand, new IssueGatewayKeyHandler(store, clock)],
    [DeleteAccountCommand, new DeleteAccountHandler(store, clock)],
    [AddProviderKeyCommand, new AddProviderKeyHandler(store, vault, clock)],
    [RemoveAllProviderKeysCommand, new RemoveAllProviderKeysHandler(store, vault, clock)],
  ]);
  const sync = async (): Promise<void> => {
    for (const e of await store.readAll()) {
      directory.apply(e);
      keysView.apply(e);
    }
  };
  const bus = {
    execute: async (command: object): Promise<unknown> => {
      const handler = handlers.get(command.constructor);
      if (!handler) throw new Error(`no handler for ${command.constructor.name}`);
      try {
        return await handler.execute(command as never);
      } finally {
        await sync();
      }
    },
  };
  const credentials = new MemoryCredentials();
  const signedOut: string[] = [];
  const service = new AccountService(
    bus as unknown as CommandBus,
    directory,
    { hasApplied: (userId, revision) => keysView.revision(userId) >= revision },
    credentials,
    { signOutEverywhere: async (userId) => void signedOut.push(userId) },
  );
  const rowsOf = (userId: string) => [...vault.rows.values()].filter((r) => r.ref.ownerId === userId);
  const typesOf = async (streamId: string) => (await store.readStream(streamId)).map((e) => e.type);
  return { store, vault, directory, service, credentials, signedOut, bus, rowsOf, typesOf };
}

describe('deleting an account (AccountService with the handlers)', () => {
  it('a deletion cut short after its events is finished by the retry: keys removed once, rows shredded', async () => {
    const t = setup();
    const userId = await t.service.create(
      { name: 'Del Eted', tier: 'professional', password: 'a long password 1' },
      metadata,
    );
    const other = await t.service.create({ name: 'Stay Put', tier: 'professional' }, metadata);
    const issued = await t.service.issueKey(userId, 'laptop', metadata);
    for (const [owner, keyId, apiKey] of [
      [userId, 'k1', 'sk-proj-first-key-0123456789abcdef'],
      [userId, 'k2', 'sk-ant-second-key-0123456789abcdef'],
      [other, 'k3', 'sk-proj-other-key-0123456789abcdef'],
    ] as const)
      await t.bus.execute(
        new AddProviderKeyCommand(
          {
            userId: owner,
            keyId,
            provider: keyId === 'k2' ? 'anthropic' : 'openai',
            label: keyId,
            validated: false,
            apiKey,
            allowance: pro,
          },
          { ...metadata, actorId: owner },
        ),
      );
    // A row no event points at (say, an add that crashed after storing its secret) goes too.
    await t.vault.put(userKeyRef(userId, 'openai', 'orphan.1'), 'sk-proj-orphan-key-0123456789abcdef');
    expect(t.rowsOf(userId)).toHaveLength(3);
    expect(t.credentials.users.has(userId)).toBe(true);

    await expect(t.service.delete(userId, metadata)).rejects.toThrow('vault unreachable');
    // The account stopped at once and the keys' removal is recorded; the rows are still there.
    expect(t.directory.account(userId)).toBeUndefined();
    expect(t.directory.principalForKeyHash(hashGatewayKey(issued.apiKey))).toBeUndefined();
    expect(await t.typesOf(`account-${userId}`)).toEqual([
      'AccountOpened',
      'GatewayKeyIssued',
      'AccountDeleted',
    ]);
    const keyEvents = await t.store.readStream(`keys-${userId}`);
    expect(keyEvents.slice(-2).map((e) => [e.type, e.data])).toEqual([
      ['KeyRemoved', expect.objectContaining({ keyId: 'k1', reason: 'account_deleted' })],
      ['KeyRemoved', expect.objectContaining({ keyId: 'k2', reason: 'account_deleted' })],
    ]);
    expect(keyEvents.slice(-2).map((e) => e.revision)).toEqual([2n, 3n]); // one append, after the adds
    expect(keyEvents.slice(-1)[0]!.metadata).toMatchObject({ actorId: 'admin1', tenantId: userId });
    expect(t.rowsOf(userId)).toHaveLength(3);
    expect(t.credentials.users.has(userId)).toBe(true);

    await t.service.delete(userId, metadata); // the retry
    expect(t.rowsOf(userId)).toEqual([]);
    expect(t.credentials.users.has(userId)).toBe(false);
    expect(t.signedOut).toEqual([userId]);
    // Nothing recorded twice.
    expect(await t.typesOf(`account-${userId}`)).toEqual([
      'AccountOpened',
      'GatewayKeyIssued',
      'AccountDeleted',
    ]);
    expect(await t.store.readStream(`keys-${userId}`)).toHaveLength(4);
    // The other user keeps everything.
    expect(t.rowsOf(other)).toHaveLength(1);
    expect(t.directory.account(other)).toBeDefined();
    expect(t.credentials.users.has(other)).toBe(false); // created without a password

    // Later retries are no-ops that still answer.
    await t.service.delete(userId, metadata);
    expect(await t.store.readStream(`keys-${userId}`)).toHaveLength(4);
    expect(t.signedOut).toEqual([userId, userId]);
  });

  it('a user without provider keys is deleted in one go', async () => {
    const t = setup();
    t.vault.failures = 0;
    const userId = await t.service.create({ name: 'No Keys', tier: 'free' }, metadata);
    await t.service.delete(userId, metadata);
    expect(await t.typesOf(`keys-${userId}`)).toEqual([]);
    expect(t.directory.isDeleted(userId)).toBe(true);
    expect(() => t.service.account(userId)).toThrow(NotFoundError);
  });

  it('an unknown id is a 404 and touches nothing', async () => {
    const t = setup();
    await expect(t.service.delete('no-such-user', metadata)).rejects.toMatchObject({
      code: 'ACCOUNTS.ACCOUNT_NOT_FOUND',
      kind: 'not_found',
    });
    expect(await t.store.readAll()).toEqual([]);
    expect(t.vault.failures).toBe(1); // the vault was never asked
  });
});
