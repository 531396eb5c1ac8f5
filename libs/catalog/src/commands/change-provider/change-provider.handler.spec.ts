import { InMemoryEventStore } from '@gw/eventstore';
import { InMemoryKeyVault, KeyEncryptionKeys } from '@gw/key-vault';
import { fold } from '@gw/shared-kernel';
import { providerDecider } from '../../domain/provider.decider';
import type { ProviderEvent } from '../../domain/provider.events';
import { RegisterProviderCommand } from '../register-provider/register-provider.command';
import { RegisterProviderHandler } from '../register-provider/register-provider.handler';
import { ChangeProviderCommand } from './change-provider.command';
import { ChangeProviderHandler } from './change-provider.handler';

const clock = { now: () => new Date('2026-11-23T12:00:00.000Z') };
const metadata = { correlationId: 'c', actorId: 'admin' };
const spec = {
  slug: 'acme',
  name: 'Acme',
  kind: 'openai-compatible' as const,
  baseUrl: 'https://acme.test/v1',
  requiresKey: true,
};

describe('ChangeProviderHandler and the vault', () => {
  const setup = async () => {
    const store = new InMemoryEventStore();
    const vault = new InMemoryKeyVault(KeyEncryptionKeys.generate());
    await new RegisterProviderHandler(store, vault, clock).execute(
      new RegisterProviderCommand(spec, true, 'sk-acme-first-key-000001', metadata),
    );
    const change = new ChangeProviderHandler(store, vault, clock);
    const current = async () =>
      fold(
        providerDecider,
        (await store.readStream('provider-acme')).map((e) => e as unknown as ProviderEvent),
      ).platformKey;
    /** Every platform row of the provider the vault holds, referenced by an event or not. */
    const rows = async () =>
      [...vault.rows.values()].filter((r) => r.ref.ownerId === 'acme').map((r) => r.ref.secretId);
    return { change, current, rows, vault };
  };

  it('a replaced key is shredded; only the current one can be read', async () => {
    const { change, current, rows } = await setup();
    await change.execute(new ChangeProviderCommand('acme', { apiKey: 'sk-acme-second-key-00002' }, metadata));
    expect(await rows()).toEqual([(await current())!.secretId]);
  });

  it('two admins replacing the key at once leave exactly the winning key', async () => {
    const { change, current, rows } = await setup();
    await Promise.all([
      change.execute(new ChangeProviderCommand('acme', { apiKey: 'sk-acme-concurrent-a-0001' }, metadata)),
      change.execute(new ChangeProviderCommand('acme', { apiKey: 'sk-acme-concurrent-b-0002' }, metadata)),
    ]);
    expect(await rows()).toEqual([(await current())!.secretId]);
  });

  it('a new base URL without a key removes the key and shreds its vault row', async () => {
    const { change, current, rows, vault } = await setup();
    const before = (await current())!;
    const result = await change.execute(
      new ChangeProviderCommand('acme', { spec: { baseUrl: 'https://elsewhere.test/v1' } }, metadata),
    );
    expect(result.changed).toBe(true);
    expect(await current()).toBeUndefined();
    expect(await rows()).toEqual([]);
    expect(
      await vault.get({ scope: 'platform', ownerId: 'acme', secretId: before.secretId, provider: 'acme' }),
    ).toBeUndefined();
  });

  it('a new base URL with a key keeps exactly the new key', async () => {
    const { change, current, rows } = await setup();
    const before = (await current())!;
    await change.execute(
      new ChangeProviderCommand(
        'acme',
        { spec: { baseUrl: 'https://elsewhere.test/v1' }, apiKey: 'sk-acme-for-the-new-host-04' },
        metadata,
      ),
    );
    const after = (await current())!;
    expect(after.secretId).not.toBe(before.secretId);
    expect(await rows()).toEqual([after.secretId]);
  });

  it('removing the key shreds it; a change that fails validation leaves no row behind', async () => {
    const { change, current, rows } = await setup();
    await expect(
      change.execute(
        new ChangeProviderCommand(
          'acme',
          { apiKey: 'sk-acme-never-stored-0003', spec: { baseUrl: 'nope' } },
          metadata,
        ),
      ),
    ).rejects.toMatchObject({ code: 'CATALOG.INVALID_SPEC' });
    expect(await rows()).toHaveLength(1);
    await change.execute(new ChangeProviderCommand('acme', { apiKey: null }, metadata));
    expect(await current()).toBeUndefined();
    expect(await rows()).toEqual([]);
  });
});
