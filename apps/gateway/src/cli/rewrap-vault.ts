import { describeStartupError, loadConfig, type GatewayConfig, openStores } from '@gw/platform';
import { createLogger } from '../logging/logger';
import { openVault } from '../runtime/open-vault';

/**
 * Re-wraps every provider key's data key under the active key-encryption key (the highest version in
 * `VAULT_KEYS`, or in `$DATA_DIR/vault-keys.json`). The keys' ciphertexts and the events stay as they
 * are. Afterwards the older KEK versions can be removed from the configuration.
 */
export async function rewrapVault(config: GatewayConfig): Promise<number> {
  const logger = createLogger(config.logLevel, 'switchyard-vault');
  const stores = await openStores(config, logger, 'vault:rewrap');
  try {
    return await (await openVault(config, stores.knex)).rewrap();
  } finally {
    await stores.close();
  }
}

/** `npm run vault:rewrap` (embedded mode: stop the gateway first; PGlite allows one process). */
if (require.main === module) {
  rewrapVault(loadConfig()).then(
    (n) => process.stdout.write(`re-wrapped ${n} provider key(s) under the active key-encryption key\n`),
    (e: unknown) => {
      process.stderr.write(`Rewrap failed: ${describeStartupError(e)}\n`);
      process.exit(1);
    },
  );
}
