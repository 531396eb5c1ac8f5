import { keyVaultContract } from '@gw/key-vault/testing';
import { InMemoryKeyVault, type InMemoryVaultRow } from './in-memory-key-vault';

keyVaultContract('in-memory', () => {
  const rows = new Map<string, InMemoryVaultRow>();
  const row = (ref: Parameters<typeof InMemoryKeyVault.rowKey>[0]) => rows.get(InMemoryKeyVault.rowKey(ref));
  return Promise.resolve({
    vault: (keys) => new InMemoryKeyVault(keys, rows),
    rawRow: (ref) => {
      const found = row(ref);
      return Promise.resolve(found && { ...found.ref, ...found.sealed });
    },
    sealed: (ref) => Promise.resolve(row(ref)?.sealed),
    write: (ref, sealed) => {
      rows.set(InMemoryKeyVault.rowKey(ref), { ref, sealed });
      return Promise.resolve();
    },
    cleanup: () => Promise.resolve(),
  });
});
