import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InsecureFileModeError } from '@gw/database';
import { ConfigError, loadConfig } from '../config/gateway-config';
import { AUDIT_KEYS_FILE, loadAuditKeys } from './load-audit-keys';

const b64 = (): string => randomBytes(32).toString('base64');
const FULL = { DATABASE_URL: 'postgres://localhost/x' };

describe('audit keys', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'audit-keys-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it.each([
    ['not base64', 'not base64!'],
    ['16 bytes', randomBytes(16).toString('base64')],
    ['a pattern', Buffer.alloc(32, 7).toString('base64')],
    ['a password', Buffer.from('correct horse battery staple 123').toString('base64')],
  ])('refuses an AUDIT_CHAIN_KEY that is %s, naming the variable and never the value', (_what, bad) => {
    const start = () => loadConfig({ ...FULL, AUDIT_CHAIN_KEY: bad, AUDIT_SIGNING_KEY: b64() });
    expect(start).toThrow(ConfigError);
    expect(start).toThrow(/AUDIT_CHAIN_KEY/);
    try {
      start();
    } catch (e) {
      expect((e as Error).message).not.toContain(bad);
    }
  });

  it('refuses one key without the other, and the same key twice', () => {
    expect(() => loadConfig({ ...FULL, AUDIT_CHAIN_KEY: b64() })).toThrow(/AUDIT_SIGNING_KEY is not set/);
    expect(() => loadConfig({ ...FULL, AUDIT_SIGNING_KEY: b64() })).toThrow(/AUDIT_CHAIN_KEY is not set/);
    const same = b64();
    expect(() => loadConfig({ ...FULL, AUDIT_CHAIN_KEY: same, AUDIT_SIGNING_KEY: same })).toThrow(
      /two different keys/,
    );
  });

  it('full mode: required keys missing stop the start; a read-only process opens without them', async () => {
    const config = loadConfig({ ...FULL, DATA_DIR: dataDir });
    await expect(loadAuditKeys(config, true)).rejects.toThrow(
      /AUDIT_CHAIN_KEY and AUDIT_SIGNING_KEY are required/,
    );
    await expect(loadAuditKeys(config, false)).resolves.toBeUndefined();
    const set = loadConfig({ ...FULL, DATA_DIR: dataDir, AUDIT_CHAIN_KEY: b64(), AUDIT_SIGNING_KEY: b64() });
    expect(JSON.stringify(set)).not.toContain(set.audit.chainKey!.reveal());
    const keys = await loadAuditKeys(set, true);
    expect(keys?.signingKey.verifyKey.keyId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('embedded: generates audit-keys.json (0600) on the first start and uses the same keys after', async () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    const first = await loadAuditKeys(config, true);
    const file = path.join(dataDir, AUDIT_KEYS_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const again = await loadAuditKeys(config, true);
    expect(again!.signingKey.verifyKey.keyId).toBe(first!.signingKey.verifyKey.keyId);
    expect(again!.chainKey.mac('x')).toBe(first!.chainKey.mac('x'));
    const stored = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
    expect(stored.chainKey).not.toBe(stored.signingKey);

    await chmod(file, 0o644);
    await expect(loadAuditKeys(config, true)).rejects.toBeInstanceOf(InsecureFileModeError);
  });
});
