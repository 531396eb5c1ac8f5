import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InsecureFileModeError } from '@gw/database';
import { VaultConfigError } from '../key-vault.errors';
import { KEY_BYTES } from './key-encryption-keys';
import { loadKeyEncryptionKeys, VAULT_KEYS_FILE } from './load-key-encryption-keys';

const b64 = (bytes = KEY_BYTES) => randomBytes(bytes).toString('base64');

/** The error `run` throws; fails when it does not throw a VaultConfigError. */
async function configError(run: () => Promise<unknown>): Promise<VaultConfigError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VaultConfigError);
  return error as VaultConfigError;
}

describe('loadKeyEncryptionKeys', () => {
  describe('from VAULT_KEYS and VAULT_FINGERPRINT_KEY', () => {
    it('reads every version and makes the highest active', async () => {
      const [k1, k2, fp] = [b64(), b64(), b64()];

      const keys = await loadKeyEncryptionKeys({ vaultKeys: ` 2:${k2} , 1:${k1},`, fingerprintKey: fp });

      expect(keys.versions).toEqual([1, 2]);
      expect(keys.activeVersion).toBe(2);
      expect(keys.key(1).toString('base64')).toBe(k1);
      expect(keys.key(2).toString('base64')).toBe(k2);
      expect(keys.fingerprintKey.toString('base64')).toBe(fp);
    });

    it('accepts URL-safe and unpadded base64', async () => {
      const raw = randomBytes(KEY_BYTES);
      const keys = await loadKeyEncryptionKeys({
        vaultKeys: `1:${raw.toString('base64url')}`,
        fingerprintKey: b64(),
      });
      expect(keys.key(1).equals(raw)).toBe(true);
    });

    it('wins over the data directory', async () => {
      const k1 = b64();
      const keys = await loadKeyEncryptionKeys({
        vaultKeys: `1:${k1}`,
        fingerprintKey: b64(),
        dataDir: '/nonexistent',
      });
      expect(keys.key(1).toString('base64')).toBe(k1);
    });

    it('requires VAULT_FINGERPRINT_KEY alongside', async () => {
      const error = await configError(() =>
        loadKeyEncryptionKeys({ vaultKeys: `1:${b64()}`, dataDir: '/tmp' }),
      );
      expect(error.message).toMatch(/VAULT_FINGERPRINT_KEY is not/);
    });

    it('refuses VAULT_FINGERPRINT_KEY without VAULT_KEYS', async () => {
      const error = await configError(() => loadKeyEncryptionKeys({ fingerprintKey: b64(), vaultKeys: ' ' }));
      expect(error.message).toMatch(/VAULT_KEYS is not/);
    });

    const secretLooking = b64();
    it.each<[string, string, string, RegExp]>([
      [
        'an entry without a version',
        secretLooking,
        b64(),
        /VAULT_KEYS entry 1 is not "<version>:<base64 key>"/,
      ],
      ['an empty list', ' , ', b64(), /VAULT_KEYS lists no keys/],
      ['version 0', `0:${secretLooking}`, b64(), /entry 1: the version must be an integer/],
      [
        'a negative version',
        `1:${b64()},-2:${secretLooking}`,
        b64(),
        /entry 2: the version must be an integer/,
      ],
      ['a version too large for the column', `2147483648:${secretLooking}`, b64(), /entry 1: the version/],
      ['a duplicate version', `1:${b64()},1:${secretLooking}`, b64(), /lists version 1 twice/],
      [
        'a 16-byte key',
        `1:${b64(16)}`,
        b64(),
        /VAULT_KEYS v1 must be 32 bytes in base64 \(it decodes to 16 bytes\)/,
      ],
      [
        'a key that is not base64',
        `1:${secretLooking.slice(0, 20)}!${secretLooking.slice(21)}`,
        b64(),
        /VAULT_KEYS v1 is not base64/,
      ],
      ['a short fingerprint key', `1:${b64()}`, b64(31), /VAULT_FINGERPRINT_KEY must be 32 bytes/],
      ['a fingerprint key equal to a KEK', `1:${secretLooking}`, secretLooking, /must differ from KEK v1/],
    ])('refuses %s, without printing key material', async (_, vaultKeys, fingerprintKey, message) => {
      const error = await configError(() => loadKeyEncryptionKeys({ vaultKeys, fingerprintKey }));
      expect(error.message).toMatch(message);
      expect(error.code).toBe('KEY_VAULT.INVALID_CONFIG');
      expect(error.message).not.toContain(secretLooking.slice(0, 12));
      expect(error.message).not.toContain(fingerprintKey.slice(0, 12));
    });
  });

  describe('keys anyone could know', () => {
    /** The demo values docker-compose.yml carried before it required the variables. */
    const DEMO_KEK = 'c3dpdGNoeWFyZC1kZW1vLW9ubHktY2hhbmdlLW1lISE=';
    const DEMO_FINGERPRINT = 'ZGVtby1vbmx5LWZpbmdlcnByaW50LWtleS0zMmJ5dGU=';
    const text = (s: string) => Buffer.from(s.padEnd(KEY_BYTES, '!').slice(0, KEY_BYTES)).toString('base64');
    const pattern = Buffer.alloc(KEY_BYTES);
    for (let i = 0; i < KEY_BYTES; i++) pattern[i] = 0x80 + (i % 8);

    it.each<[string, string, string, RegExp]>([
      ['the demo KEK', `1:${DEMO_KEK}`, b64(), /VAULT_KEYS v1 is a published demo key/],
      ['the demo KEK as an older version', `1:${DEMO_KEK},2:${b64()}`, b64(), /VAULT_KEYS v1 is a published/],
      [
        'the demo fingerprint key',
        `1:${b64()}`,
        DEMO_FINGERPRINT,
        /VAULT_FINGERPRINT_KEY is a published demo key/,
      ],
      [
        'an all-zero KEK',
        `1:${Buffer.alloc(KEY_BYTES).toString('base64')}`,
        b64(),
        /VAULT_KEYS v1 is not random/,
      ],
      ['a repeating pattern', `1:${pattern.toString('base64')}`, b64(), /fewer than 16 distinct values/],
      [
        'a password in base64',
        `1:${text('The quick brown fox jumps over it')}`,
        b64(),
        /decodes to printable text/,
      ],
      [
        'a text fingerprint key',
        `1:${b64()}`,
        text('my-fingerprint-key-0123456789abcdef'),
        /FINGERPRINT_KEY decodes to printable text/,
      ],
    ])(
      'refuses %s, saying how to generate one, without the key',
      async (_, vaultKeys, fingerprintKey, message) => {
        const error = await configError(() => loadKeyEncryptionKeys({ vaultKeys, fingerprintKey }));
        expect(error.message).toMatch(message);
        expect(error.message).toContain('openssl rand -base64 32');
        for (const key of [...vaultKeys.split(',').map((e) => e.slice(2)), fingerprintKey])
          expect(error.message).not.toContain(key.slice(0, 12));
      },
    );

    it('refuses the demo keys in vault-keys.json too', async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'switchyard-vault-'));
      try {
        const file = path.join(dir, VAULT_KEYS_FILE);
        await writeFile(file, JSON.stringify({ vaultKeys: `1:${DEMO_KEK}`, fingerprintKey: b64() }), {
          mode: 0o600,
        });
        const error = await configError(() => loadKeyEncryptionKeys({ dataDir: dir }));
        expect(error.message).toContain(`${file} vaultKeys v1 is a published demo key`);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe('nothing configured', () => {
    it('says which environment variables to set', async () => {
      const error = await configError(() => loadKeyEncryptionKeys({}));
      expect(error.message).toContain('VAULT_KEYS');
      expect(error.message).toContain('VAULT_FINGERPRINT_KEY');
      expect(error.message).toContain('openssl rand -base64 32');
    });
  });

  describe(`embedded: <dataDir>/${VAULT_KEYS_FILE}`, () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'switchyard-vault-'));
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));
    const file = () => path.join(dir, VAULT_KEYS_FILE);

    it('creates the file with mode 0600 on first start and reads the same keys on the next', async () => {
      const first = await loadKeyEncryptionKeys({ dataDir: dir });

      expect((await stat(file())).mode & 0o777).toBe(0o600);
      expect(first.versions).toEqual([1]);
      const second = await loadKeyEncryptionKeys({ dataDir: dir });
      expect(second.key(1).equals(first.key(1))).toBe(true);
      expect(second.fingerprintKey.equals(first.fingerprintKey)).toBe(true);
      expect(await readdir(dir)).toEqual([VAULT_KEYS_FILE]); // no temporary file left behind
    });

    it('holds the values in the environment variables’ format', async () => {
      const keys = await loadKeyEncryptionKeys({ dataDir: dir });
      const content = JSON.parse(await readFile(file(), 'utf8')) as {
        vaultKeys: string;
        fingerprintKey: string;
      };

      const same = await loadKeyEncryptionKeys({
        vaultKeys: content.vaultKeys,
        fingerprintKey: content.fingerprintKey,
      });

      expect(same.key(1).equals(keys.key(1))).toBe(true);
      expect(same.fingerprintKey.equals(keys.fingerprintKey)).toBe(true);
    });

    it('gives concurrent first starts the same keys', async () => {
      const all = await Promise.all(Array.from({ length: 8 }, () => loadKeyEncryptionKeys({ dataDir: dir })));
      for (const keys of all) expect(keys.key(1).equals(all[0]!.key(1))).toBe(true);
      expect(await readdir(dir)).toEqual([VAULT_KEYS_FILE]);
    });

    it('creates a data directory that does not exist yet, with mode 0700', async () => {
      const nested = path.join(dir, 'data', 'nested');
      await loadKeyEncryptionKeys({ dataDir: nested });
      expect((await stat(path.join(nested, VAULT_KEYS_FILE))).isFile()).toBe(true);
      expect((await stat(nested)).mode & 0o777).toBe(0o700);
    });

    it.each(['0644', '0640', '0604'])(
      'refuses a key file of mode %s, naming it and the chmod that fixes it',
      async (octal) => {
        await loadKeyEncryptionKeys({ dataDir: dir });
        const content = await readFile(file(), 'utf8');
        await chmod(file(), parseInt(octal, 8));

        const error = await loadKeyEncryptionKeys({ dataDir: dir }).then(
          () => undefined,
          (e: unknown) => e as Error,
        );

        expect(error).toBeInstanceOf(InsecureFileModeError);
        expect(error!.message).toContain(`chmod 600 ${file()}`);
        expect(error!.message).toContain(`mode ${octal}`);
        const { vaultKeys, fingerprintKey } = JSON.parse(content) as Record<string, string>;
        expect(error!.message).not.toContain(vaultKeys!.slice(2, 14));
        expect(error!.message).not.toContain(fingerprintKey!.slice(0, 12));
        expect(await readFile(file(), 'utf8')).toBe(content); // never replaced
      },
    );

    it('reads rotated keys an operator added to the file', async () => {
      const [k1, k2, fp] = [b64(), b64(), b64()];
      await writeFile(file(), JSON.stringify({ vaultKeys: `1:${k1},2:${k2}`, fingerprintKey: fp }), {
        mode: 0o600,
      });

      const keys = await loadKeyEncryptionKeys({ dataDir: dir });

      expect(keys.activeVersion).toBe(2);
      expect(keys.key(1).toString('base64')).toBe(k1);
    });

    it.each<[string, string, RegExp]>([
      ['not JSON', '{"vaultKeys": "1:', /is not valid JSON/],
      ['missing fields', '{"vaultKeys": 1}', /must hold the strings "vaultKeys" and "fingerprintKey"/],
      ['null', 'null', /must hold the strings/],
      [
        'a bad key',
        JSON.stringify({ vaultKeys: `1:${b64(31)}`, fingerprintKey: b64() }),
        /vaultKeys v1 must be 32 bytes/,
      ],
    ])('refuses a file that is %s, naming the file and not its content', async (_, content, message) => {
      await writeFile(file(), content, { mode: 0o600 });
      const error = await configError(() => loadKeyEncryptionKeys({ dataDir: dir }));
      expect(error.message).toMatch(message);
      expect(error.message).toContain(file());
      expect(await readFile(file(), 'utf8')).toBe(content); // never overwritten
    });
  });
});
