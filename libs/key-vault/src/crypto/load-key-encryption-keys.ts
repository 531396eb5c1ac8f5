import { randomBytes, randomUUID } from 'node:crypto';
import { link, open, unlink } from 'node:fs/promises';
import path from 'node:path';
import { ensurePrivateDir, readPrivateFile } from '@gw/database';
import { VaultConfigError } from '../key-vault.errors';
import { KEY_BYTES, KeyEncryptionKeys, MAX_KEK_VERSION } from './key-encryption-keys';

export interface KeyEncryptionKeysSource {
  /** `VAULT_KEYS`: `1:<base64 32 bytes>,2:<base64 32 bytes>`; the highest version is active. */
  readonly vaultKeys?: string;
  /** `VAULT_FINGERPRINT_KEY`: base64 32 bytes; required with `vaultKeys`. */
  readonly fingerprintKey?: string;
  /** Embedded mode: keys are kept in `<dataDir>/vault-keys.json`, created on first start. */
  readonly dataDir?: string;
}

export const VAULT_KEYS_FILE = 'vault-keys.json';

const HOW_TO_SET =
  'Set VAULT_KEYS to "1:<32 random bytes in base64>" (e.g. `1:$(openssl rand -base64 32)`) and ' +
  'VAULT_FINGERPRINT_KEY to another 32 random bytes in base64 (`openssl rand -base64 32`).';

const given = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value.trim();

/**
 * The KEKs from `VAULT_KEYS` + `VAULT_FINGERPRINT_KEY` when set, else from `<dataDir>/vault-keys.json`
 * (created with mode 0600 in a 0700 directory on first start; refused when others may read it), else
 * a `VaultConfigError` saying what to set. Published, patterned or text-like keys are refused. Errors
 * never contain key material.
 */
export async function loadKeyEncryptionKeys(source: KeyEncryptionKeysSource): Promise<KeyEncryptionKeys> {
  const vaultKeys = given(source.vaultKeys);
  const fingerprintKey = given(source.fingerprintKey);
  if (vaultKeys !== undefined) {
    if (fingerprintKey === undefined) {
      throw new VaultConfigError(
        'VAULT_KEYS is set but VAULT_FINGERPRINT_KEY is not. Set it to 32 random bytes in base64 ' +
          '(`openssl rand -base64 32`); it must stay the same when the KEKs rotate.',
      );
    }
    return parseKeyEncryptionKeys(vaultKeys, fingerprintKey, 'VAULT_KEYS', 'VAULT_FINGERPRINT_KEY');
  }
  if (fingerprintKey !== undefined) {
    throw new VaultConfigError(`VAULT_FINGERPRINT_KEY is set but VAULT_KEYS is not. ${HOW_TO_SET}`);
  }
  if (source.dataDir) return readOrCreateKeyFile(source.dataDir);
  throw new VaultConfigError(
    `No key-encryption keys for the key vault. ${HOW_TO_SET} In embedded mode (a data directory) they ` +
      `are generated into ${VAULT_KEYS_FILE} instead.`,
  );
}

/** `1:<base64>,2:<base64>` → version → key. `label` names the source in errors. */
export function parseVaultKeys(text: string, label = 'VAULT_KEYS'): Map<number, Buffer> {
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0) throw new VaultConfigError(`${label} lists no keys. ${HOW_TO_SET}`);
  const keys = new Map<number, Buffer>();
  entries.forEach((entry, i) => {
    const colon = entry.indexOf(':');
    const versionText = colon > 0 ? entry.slice(0, colon).trim() : '';
    if (colon < 0 || versionText === '') {
      throw new VaultConfigError(`${label} entry ${i + 1} is not "<version>:<base64 key>".`);
    }
    const version = /^[1-9][0-9]{0,9}$/.test(versionText) ? Number(versionText) : NaN;
    if (!(version <= MAX_KEK_VERSION)) {
      throw new VaultConfigError(
        `${label} entry ${i + 1}: the version must be an integer from 1 to ${MAX_KEK_VERSION}.`,
      );
    }
    if (keys.has(version)) throw new VaultConfigError(`${label} lists version ${version} twice.`);
    keys.set(version, decodeKey(entry.slice(colon + 1).trim(), `${label} v${version}`));
  });
  return keys;
}

/**
 * Keys that were published (docker-compose.yml carried them as demo defaults), so everyone has them.
 * Refused wherever they come from.
 */
const PUBLISHED_KEYS: readonly Buffer[] = [
  'c3dpdGNoeWFyZC1kZW1vLW9ubHktY2hhbmdlLW1lISE=',
  'ZGVtby1vbmx5LWZpbmdlcnByaW50LWtleS0zMmJ5dGU=',
].map((b64) => Buffer.from(b64, 'base64'));

/** 32 random bytes have about 30 distinct values; fewer than this is a pattern (all zeros, a repeat). */
const MIN_DISTINCT_BYTES = 16;

const isPrintableAscii = (key: Buffer): boolean => key.every((b) => b >= 0x20 && b <= 0x7e);

/**
 * Refuses keys anyone could know or guess: a published demo key, too few distinct bytes, or bytes
 * that are all printable text (a password in base64 rather than random bytes: 32 random bytes are
 * all printable once in about 10^14). Messages never contain the key.
 */
function assertRandomLooking(key: Buffer, label: string): void {
  const fix = 'Generate one with `openssl rand -base64 32`.';
  if (PUBLISHED_KEYS.some((known) => known.equals(key))) {
    throw new VaultConfigError(
      `${label} is a published demo key (earlier versions of docker-compose.yml carried it), so it protects nothing. ${fix}`,
    );
  }
  if (new Set(key).size < MIN_DISTINCT_BYTES) {
    throw new VaultConfigError(
      `${label} is not random: its ${KEY_BYTES} bytes have fewer than ${MIN_DISTINCT_BYTES} distinct values. ${fix}`,
    );
  }
  if (isPrintableAscii(key)) {
    throw new VaultConfigError(
      `${label} decodes to printable text, not random bytes (a password encoded as base64?). ${fix}`,
    );
  }
}

/** Standard or URL-safe base64 of exactly 32 random-looking bytes. */
export function decodeKey(text: string, label: string): Buffer {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) && !/^[A-Za-z0-9_-]+={0,2}$/.test(text)) {
    throw new VaultConfigError(`${label} is not base64.`);
  }
  const key = Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new VaultConfigError(
      `${label} must be ${KEY_BYTES} bytes in base64 (it decodes to ${key.length} bytes).`,
    );
  }
  assertRandomLooking(key, label);
  return key;
}

export function parseKeyEncryptionKeys(
  vaultKeys: string,
  fingerprintKey: string,
  keysLabel: string,
  fingerprintLabel: string,
): KeyEncryptionKeys {
  return KeyEncryptionKeys.of({
    keys: parseVaultKeys(vaultKeys, keysLabel),
    fingerprintKey: decodeKey(fingerprintKey, fingerprintLabel),
  });
}

/** What vault-keys.json holds: the same formats as the environment variables, to move to a full deployment. */
interface KeyFile {
  readonly note: string;
  readonly vaultKeys: string;
  readonly fingerprintKey: string;
}

const NOTE =
  'Switchyard key-vault keys (embedded mode). Keep this file secret and back it up with the data: without ' +
  'it the stored provider keys cannot be decrypted. A full deployment takes these values as VAULT_KEYS and ' +
  'VAULT_FINGERPRINT_KEY. To rotate, add "2:<base64 32 bytes>" to vaultKeys, restart and rewrap.';

/** Refused when group or others may access it (InsecureFileModeError: which file, and `chmod 600`). */
async function readKeyFile(file: string): Promise<KeyEncryptionKeys> {
  const text = await readPrivateFile(file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new VaultConfigError(`${file} is not valid JSON.`);
  }
  const { vaultKeys, fingerprintKey } = (parsed ?? {}) as Partial<Record<keyof KeyFile, unknown>>;
  if (typeof vaultKeys !== 'string' || typeof fingerprintKey !== 'string') {
    throw new VaultConfigError(`${file} must hold the strings "vaultKeys" and "fingerprintKey".`);
  }
  return parseKeyEncryptionKeys(vaultKeys, fingerprintKey, `${file} vaultKeys`, `${file} fingerprintKey`);
}

const isErrno = (e: unknown, code: string): boolean => (e as NodeJS.ErrnoException | null)?.code === code;

/** Writes `content` to `file` (mode 0600) unless it exists; false when it already did. */
async function createExclusively(file: string, content: string): Promise<boolean> {
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    // A hard link appears whole or not at all, and fails if the file exists: nobody reads it half written.
    await link(temp, file);
    return true;
  } catch (e) {
    if (isErrno(e, 'EEXIST')) return false;
    return createDirectly(file, content); // a file system without hard links
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function createDirectly(file: string, content: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'wx', 0o600);
  } catch (e) {
    if (isErrno(e, 'EEXIST')) return false;
    throw e;
  }
  try {
    await handle.writeFile(content);
    await handle.sync();
    return true;
  } finally {
    await handle.close();
  }
}

async function readOrCreateKeyFile(dataDir: string): Promise<KeyEncryptionKeys> {
  const file = path.join(dataDir, VAULT_KEYS_FILE);
  try {
    return await readKeyFile(file);
  } catch (e) {
    if (!isErrno(e, 'ENOENT')) throw e;
  }
  await ensurePrivateDir(dataDir);
  const content: KeyFile = {
    note: NOTE,
    vaultKeys: `1:${randomBytes(KEY_BYTES).toString('base64')}`,
    fingerprintKey: randomBytes(KEY_BYTES).toString('base64'),
  };
  await createExclusively(file, `${JSON.stringify(content, null, 2)}\n`);
  // Whoever created it, everyone uses what is on disk.
  return readKeyFile(file);
}
