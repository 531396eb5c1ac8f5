import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ensurePrivateDir, readPrivateFile } from '@gw/database';
import { AUDIT_KEY_BYTES, ChainKey, CheckpointSigningKey, type AuditKeys } from '@gw/eventstore';
import { ConfigError, parseAuditKey, type GatewayConfig } from '../config/gateway-config';

export const AUDIT_KEYS_FILE = 'audit-keys.json';

/** What audit-keys.json holds: the same formats as the environment variables, to move to full mode. */
interface AuditKeyFile {
  readonly note: string;
  readonly chainKey: string;
  readonly signingKey: string;
}

const NOTE =
  'Switchyard audit keys (embedded mode). chainKey keys the event chain (HMAC-SHA256), signingKey is the ' +
  'Ed25519 seed that signs its checkpoints. Keep this file secret and apart from database backups: ' +
  'whoever holds it can rewrite the audit trail undetected; without it the keyed links cannot be ' +
  'verified. A full deployment takes these values as AUDIT_CHAIN_KEY and AUDIT_SIGNING_KEY.';

const toKeys = (chainKey: Buffer, signingKey: Buffer, source: string): AuditKeys => {
  if (chainKey.equals(signingKey)) throw new ConfigError(`${source}: the two audit keys must differ.`);
  return { chainKey: new ChainKey(chainKey), signingKey: CheckpointSigningKey.fromSeed(signingKey) };
};

async function readKeyFile(file: string): Promise<AuditKeys> {
  const text = await readPrivateFile(file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(`${file} is not valid JSON.`);
  }
  const { chainKey, signingKey } = (parsed ?? {}) as Partial<Record<keyof AuditKeyFile, unknown>>;
  if (typeof chainKey !== 'string' || typeof signingKey !== 'string')
    throw new ConfigError(`${file} must hold the strings "chainKey" and "signingKey".`);
  return toKeys(
    parseAuditKey(chainKey, `${file} chainKey`),
    parseAuditKey(signingKey, `${file} signingKey`),
    file,
  );
}

const isErrno = (e: unknown, code: string): boolean => (e as NodeJS.ErrnoException | null)?.code === code;

/** `$DATA_DIR/audit-keys.json`: read, or created on the first start (0600 in a 0700 directory). */
async function readOrCreateKeyFile(dataDir: string): Promise<AuditKeys> {
  const file = path.join(dataDir, AUDIT_KEYS_FILE);
  try {
    return await readKeyFile(file);
  } catch (e) {
    if (!isErrno(e, 'ENOENT')) throw e;
  }
  await ensurePrivateDir(dataDir);
  const content: AuditKeyFile = {
    note: NOTE,
    chainKey: randomBytes(AUDIT_KEY_BYTES).toString('base64'),
    signingKey: randomBytes(AUDIT_KEY_BYTES).toString('base64'),
  };
  // wx: a second process starting at once never overwrites the first one's keys.
  await writeFile(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'wx' }).catch(
    (e: unknown) => {
      if (!isErrno(e, 'EEXIST')) throw e;
    },
  );
  return readKeyFile(file);
}

/**
 * The audit chain's keys: `AUDIT_CHAIN_KEY` + `AUDIT_SIGNING_KEY` when set (checked by loadConfig),
 * else embedded mode's `$DATA_DIR/audit-keys.json` (created on the first start, refused when group or
 * others may read it). Outside embedded mode without them: undefined, or a ConfigError when `required`
 * (the gateway, and every command that appends or verifies). Errors never contain key material.
 */
export async function loadAuditKeys(
  config: Pick<GatewayConfig, 'audit' | 'embedded' | 'dataDir'>,
  required: boolean,
): Promise<AuditKeys | undefined> {
  const { chainKey, signingKey } = config.audit;
  if (chainKey && signingKey)
    return toKeys(
      parseAuditKey(chainKey.reveal(), 'AUDIT_CHAIN_KEY'),
      parseAuditKey(signingKey.reveal(), 'AUDIT_SIGNING_KEY'),
      'AUDIT_CHAIN_KEY / AUDIT_SIGNING_KEY',
    );
  if (config.embedded) return readOrCreateKeyFile(config.dataDir);
  if (!required) return undefined;
  throw new ConfigError(
    'AUDIT_CHAIN_KEY and AUDIT_SIGNING_KEY are required outside embedded mode: the audit chain is keyed ' +
      'with the first and its checkpoints are signed with the second, both kept out of the database. Set ' +
      'each to 32 random bytes in base64 (`openssl rand -base64 32`), the same on every instance.',
  );
}
