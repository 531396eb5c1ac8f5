import { randomUUID } from 'node:crypto';
import type { KeyVault, SecretRef } from '@gw/key-vault';
import type { StoredKeyRef } from '../domain/provider.commands';

export const platformKeyRef = (slug: string, secretId: string): SecretRef => ({
  scope: 'platform',
  ownerId: slug,
  secretId,
  provider: slug,
});

/**
 * Puts a new platform key into the vault under a fresh id, runs `decide` (which appends the event that
 * points at it), and destroys the new row again if no event came to point at it. The vault row exists
 * before any event names it, so no event is ever without its key.
 */
export async function withStoredKey<T>(
  vault: KeyVault,
  slug: string,
  apiKey: string | undefined,
  run: (stored: StoredKeyRef | undefined) => Promise<{ result: T; keyUsed: boolean }>,
): Promise<T> {
  if (apiKey === undefined) return (await run(undefined)).result;
  const secretId = randomUUID();
  const ref = platformKeyRef(slug, secretId);
  const stored = { secretId, ...(await vault.put(ref, apiKey)) };
  let keyUsed = false;
  try {
    const outcome = await run(stored);
    keyUsed = outcome.keyUsed;
    return outcome.result;
  } finally {
    if (!keyUsed) await vault.destroy(ref);
  }
}
