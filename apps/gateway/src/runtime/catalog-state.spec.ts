import pino from 'pino';
import { InMemoryEventStore } from '@gw/eventstore';
import { InMemoryKeyVault, KeyEncryptionKeys, type KeyVault, type SecretRef } from '@gw/key-vault';
import type { CatalogSnapshot } from '@gw/catalog';
import { eventually } from '@gw/shared-kernel/testing';
import { CatalogState } from './catalog-state';

const at = new Date('2026-11-23T12:00:00.000Z');
const metadata = { correlationId: 'c', actorId: 'admin' };
const ref: SecretRef = { scope: 'platform', ownerId: 'acme', secretId: 's1', provider: 'acme' };

async function storeWithKeyedProvider(vault: KeyVault): Promise<InMemoryEventStore> {
  const stored = await vault.put(ref, 'sk-acme-platform-key-123456');
  const store = new InMemoryEventStore();
  const event = (type: string, data: unknown) => ({
    id: crypto.randomUUID(),
    type,
    version: 1,
    data,
    metadata,
    occurredAt: at,
  });
  await store.append({
    streamId: 'provider-acme',
    events: [
      event('ProviderRegistered', {
        slug: 'acme',
        name: 'Acme',
        kind: 'openai-compatible',
        baseUrl: 'https://acme.test/v1',
        requiresKey: true,
        enabled: true,
        seeded: false,
        registeredBy: 'admin',
        registeredAt: at.toISOString(),
      }),
      event('PlatformKeySet', {
        slug: 'acme',
        secretId: 's1',
        ...stored,
        setBy: 'admin',
        setAt: at.toISOString(),
      }),
    ],
  });
  return store;
}

const until = (done: () => boolean): Promise<true> =>
  eventually(() => (done() ? true : undefined), 2_000, 'the platform key to be served');

describe('CatalogState', () => {
  const logger = pino({ level: 'silent' });
  const keys = KeyEncryptionKeys.generate();

  it('routes with the platform key it decrypted from the vault', async () => {
    const vault = new InMemoryKeyVault(keys);
    const state = new CatalogState(vault, new Map(), logger);
    let snapshot: CatalogSnapshot | undefined;
    const feed = await state.start(await storeWithKeyedProvider(vault), (s) => (snapshot = s));
    expect(snapshot?.providers.get('acme')?.apiKey).toBe('sk-acme-platform-key-123456');
    await feed.stop();
  });

  it('a vault that cannot be read is tried again; the provider serves once it can be', async () => {
    const vault = new InMemoryKeyVault(keys);
    const store = await storeWithKeyedProvider(vault);
    let down = true;
    const flaky: KeyVault = {
      put: (r, p) => vault.put(r, p),
      get: (r) => (down ? Promise.reject(new Error('connection reset')) : vault.get(r)),
      getSealed: (r) => vault.getSealed(r),
      open: (r, s) => vault.open(r, s),
      destroy: (r) => vault.destroy(r),
      destroyOwner: (s, o) => vault.destroyOwner(s, o),
      rewrap: () => vault.rewrap(),
    };
    const state = new CatalogState(flaky, new Map(), logger, 20);
    let snapshot: CatalogSnapshot | undefined;
    const feed = await state.start(store, (s) => (snapshot = s));
    expect(snapshot?.providers.has('acme')).toBe(false); // needs_key while the vault is down
    expect(state.status(state.view.provider('acme')!)).toBe('needs_key');
    down = false;
    await until(() => snapshot?.providers.get('acme')?.apiKey === 'sk-acme-platform-key-123456');
    await feed.stop();
  });

  it('a key the vault cannot decrypt is not retried forever', async () => {
    const vault = new InMemoryKeyVault(keys);
    const store = await storeWithKeyedProvider(vault);
    let reads = 0;
    const wrongKek = vault.withKeys(KeyEncryptionKeys.generate());
    const wrong: KeyVault = {
      put: (r, p) => vault.put(r, p),
      get: async (r) => {
        reads++;
        return wrongKek.get(r); // SecretDecryptionError
      },
      getSealed: (r) => vault.getSealed(r),
      open: (r, s) => wrongKek.open(r, s),
      destroy: (r) => vault.destroy(r),
      destroyOwner: (s, o) => vault.destroyOwner(s, o),
      rewrap: () => vault.rewrap(),
    };
    // A controlled clock: ten retry intervals pass at once instead of sleeping through them.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const state = new CatalogState(wrong, new Map(), logger, 10);
    const feed = await state
      .start(store, () => undefined)
      .catch((e: unknown) => {
        jest.useRealTimers();
        throw e;
      });
    try {
      expect(reads).toBe(1);
      expect(jest.getTimerCount()).toBe(0); // no retry scheduled
      await jest.advanceTimersByTimeAsync(100);
      expect(reads).toBe(1);
    } finally {
      await feed.stop();
      jest.useRealTimers();
    }
  });
});
