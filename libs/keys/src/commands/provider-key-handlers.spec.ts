import { InMemoryEventStore } from '@gw/eventstore';
import { InMemoryKeyVault, KeyEncryptionKeys } from '@gw/key-vault';
import { ForbiddenError, IllegalStateError } from '@gw/shared-kernel';
import type { ByokAllowance } from '../domain/provider-key.commands';
import { KeysView } from '../view/keys-view';
import { AddProviderKeyCommand } from './add-provider-key/add-provider-key.command';
import { AddProviderKeyHandler } from './add-provider-key/add-provider-key.handler';
import { RemoveProviderKeyCommand } from './remove-provider-key/remove-provider-key.command';
import { RemoveProviderKeyHandler } from './remove-provider-key/remove-provider-key.handler';
import { RotateProviderKeyCommand } from './rotate-provider-key/rotate-provider-key.command';
import { RotateProviderKeyHandler } from './rotate-provider-key/rotate-provider-key.handler';
import { userKeyRef } from './provider-key-writes';

const clock = { now: () => new Date('2026-12-01T12:00:00.000Z') };
const metadata = { correlationId: 'c', actorId: 'u1' };
const starter: ByokAllowance = { allowed: true, keysPerProvider: 1, unlockedBy: 'starter', tier: 'starter' };
const KEY = 'sk-proj-first-key-0123456789abcdef';
const NEXT = 'sk-proj-second-key-0123456789abcdef';

describe('key handlers and the vault', () => {
  const setup = () => {
    const store = new InMemoryEventStore();
    const vault = new InMemoryKeyVault(KeyEncryptionKeys.generate());
    const add = (keyId: string, apiKey: string, allowance = starter) =>
      new AddProviderKeyHandler(store, vault, clock).execute(
        new AddProviderKeyCommand(
          { userId: 'u1', keyId, provider: 'openai', label: 'main', validated: false, apiKey, allowance },
          metadata,
        ),
      );
    const view = async () => {
      const v = new KeysView();
      for (const e of await store.readStream('keys-u1')) v.apply(e);
      return v;
    };
    const secrets = () => [...vault.rows.values()].map((r) => r.ref);
    return { store, vault, add, view, secrets };
  };

  it('stores the key in the vault under the user, and the events hold none of it', async () => {
    const { store, vault, add, view } = setup();
    await add('k1', KEY);
    const entry = (await view()).key('u1', 'k1')!;
    expect(entry).toMatchObject({ provider: 'openai', status: 'unvalidated', last4: 'cdef', enabled: true });
    expect(await vault.get(userKeyRef('u1', 'openai', entry.secretId))).toBe(KEY);
    const events = JSON.stringify((await store.readStream('keys-u1')).map((e) => [e.data, e.metadata]));
    expect(events).not.toContain(KEY.slice(8, 20));
  });

  it('a refused key leaves no vault row behind', async () => {
    const { add, secrets } = setup();
    await add('k1', KEY);
    await expect(add('k2', NEXT)).rejects.toBeInstanceOf(IllegalStateError);
    await expect(
      add('k3', NEXT, { allowed: false, keysPerProvider: 0, unlockedBy: 'starter', tier: 'free' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(secrets()).toHaveLength(1);
  });

  it('rotating shreds the old row; removing shreds the current one, the events stay', async () => {
    const { store, vault, add, view, secrets } = setup();
    await add('k1', KEY);
    const first = (await view()).key('u1', 'k1')!.secretId;
    await new RotateProviderKeyHandler(store, vault, clock).execute(
      new RotateProviderKeyCommand(
        { userId: 'u1', keyId: 'k1', provider: 'openai', apiKey: NEXT, validated: true },
        metadata,
      ),
    );
    const rotated = (await view()).key('u1', 'k1')!;
    expect(rotated).toMatchObject({ status: 'valid', last4: 'cdef' });
    expect(rotated.secretId).not.toBe(first);
    expect(secrets().map((r) => r.secretId)).toEqual([rotated.secretId]);
    expect(await vault.get(userKeyRef('u1', 'openai', rotated.secretId))).toBe(NEXT);
    await new RemoveProviderKeyHandler(store, vault, clock).execute(
      new RemoveProviderKeyCommand({ userId: 'u1', keyId: 'k1' }, metadata),
    );
    expect(secrets()).toEqual([]);
    expect((await view()).keysOf('u1')).toEqual([]);
    expect((await store.readStream('keys-u1')).map((e) => e.type)).toEqual([
      'KeyAdded',
      'KeyRotated',
      'KeyValidated',
      'KeyRemoved',
    ]);
  });

  it('the view routes with enabled keys that were not rejected, in priority order', async () => {
    const { add, view } = setup();
    const pro: ByokAllowance = { ...starter, keysPerProvider: 5, tier: 'professional' };
    await add('k1', KEY, pro);
    await add('k2', NEXT, pro);
    const v = await view();
    expect(
      v
        .routingKeys('u1')
        .get('openai')!
        .map((k) => k.keyId),
    ).toEqual(['k1', 'k2']);
    expect(v.routingKeys('someone-else').size).toBe(0);
  });
});
