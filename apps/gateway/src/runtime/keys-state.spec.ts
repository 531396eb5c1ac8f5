import pino from 'pino';
import { InMemoryEventStore } from '@gw/eventstore';
import { InMemoryKeyVault, KeyEncryptionKeys } from '@gw/key-vault';
import { toKeysStreamId, userKeyRef } from '@gw/keys';
import { eventually } from '@gw/shared-kernel/testing';
import { KeysState } from './keys-state';

const at = '2026-12-01T12:00:00.000Z';
const clock = { now: () => new Date(at) };
const logger = pino({ level: 'silent' });
const KEY = 'sk-proj-user-key-0123456789abcdefghij';

/** A user with one stored key: the vault row and its KeyAdded event, as the add handler writes them. */
async function userWithKey(vault: InMemoryKeyVault) {
  const store = new InMemoryEventStore();
  const ref = userKeyRef('u1', 'openai', 'k1.s1');
  const stored = await vault.put(ref, KEY);
  const { kekVersion, fingerprint, masked, last4 } = stored;
  await store.append({
    streamId: toKeysStreamId('u1'),
    events: [
      {
        id: crypto.randomUUID(),
        type: 'KeyAdded',
        version: 1,
        data: {
          userId: 'u1',
          keyId: 'k1',
          provider: 'openai',
          label: 'main',
          last4,
          fingerprint,
          kekVersion,
          secretId: 'k1.s1',
          masked,
          priority: 0,
          addedAt: at,
        },
        metadata: { correlationId: 'c', actorId: 'u1' },
        occurredAt: new Date(at),
      },
    ],
  });
  return { store, ref };
}

describe('KeysState (users’ keys in memory)', () => {
  it('holds each key sealed and decrypts it for each request that uses it, never before', async () => {
    const vault = new InMemoryKeyVault(KeyEncryptionKeys.generate());
    const { store } = await userWithKey(vault);
    const open = jest.spyOn(vault, 'open');
    const keys = new KeysState(store, vault, clock, logger);
    const feed = await keys.start();
    try {
      await eventually(() => (keys.hasApplied('u1', 0n) ? true : undefined), 5_000, 'the key loaded');
      const entry = keys.routingKeys('u1').get('openai')![0]!;
      const checkedOnLoad = open.mock.calls.length;
      expect(checkedOnLoad).toBe(1);
      // What it holds between requests is the envelope, not the key.
      const held = (keys as unknown as { secrets: Map<string, unknown> }).secrets;
      expect(JSON.stringify([...held.values()])).not.toContain(KEY.slice(8, 20));

      expect(keys.apiKey(entry)).toBe(KEY);
      expect(keys.apiKey(entry)).toBe(KEY);
      expect(open.mock.calls.length - checkedOnLoad).toBe(2);
    } finally {
      await feed.stop();
    }
  });

  it('a row that does not authenticate is never used, and checked when loaded rather than per request', async () => {
    const vault = new InMemoryKeyVault(KeyEncryptionKeys.generate());
    const { store, ref } = await userWithKey(vault);
    const row = vault.rows.get(InMemoryKeyVault.rowKey(ref))!;
    row.sealed.ciphertext[0] = row.sealed.ciphertext[0]! ^ 1;
    const keys = new KeysState(store, vault, clock, logger);
    const feed = await keys.start();
    try {
      await eventually(() => (keys.hasApplied('u1', 0n) ? true : undefined), 5_000, 'the key loaded');
      expect(keys.apiKey(keys.routingKeys('u1').get('openai')![0]!)).toBeUndefined();
    } finally {
      await feed.stop();
    }
  });
});
