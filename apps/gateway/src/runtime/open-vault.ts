import type { Knex } from 'knex';
import { loadKeyEncryptionKeys, type KeyEncryptionKeysSource } from '@gw/key-vault';
import type { GatewayConfig } from '@gw/platform';
import { RotatingKeyVault } from '../vault/rotating-key-vault';

/**
 * The vault of provider keys, in the read-model database, under the key-encryption keys of the
 * configuration (`VAULT_KEYS`), or in embedded mode those kept in `$DATA_DIR/vault-keys.json`.
 */
export async function openVault(config: GatewayConfig, knex: Knex): Promise<RotatingKeyVault> {
  const source: KeyEncryptionKeysSource = {
    vaultKeys: config.vault.keys,
    fingerprintKey: config.vault.fingerprintKey,
    dataDir: config.embedded ? config.dataDir : undefined,
  };
  return new RotatingKeyVault(knex, await loadKeyEncryptionKeys(source), source);
}
