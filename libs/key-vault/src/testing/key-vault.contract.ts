import { randomBytes, randomUUID } from 'node:crypto';
import { ValidationError } from '@gw/shared-kernel';
import type { SealedSecret } from '../crypto/envelope';
import { KEY_BYTES, KeyEncryptionKeys } from '../crypto/key-encryption-keys';
import { fingerprint, maskSecret } from '../crypto/secret-display';
import { RewrapIncompleteError, SecretDecryptionError, UnknownKekVersionError } from '../key-vault.errors';
import type { KeyVault, SecretRef, VaultScope } from '../key-vault.port';

/** What an adapter's test file hands the contract: vaults over one storage, and raw access to it. */
export interface KeyVaultFixture {
  /** A vault over this fixture's storage that uses `keys` (several may share the storage). */
  vault(keys: KeyEncryptionKeys): KeyVault;
  /** The stored row of a reference as the storage holds it, every column; undefined when there is none. */
  rawRow(ref: SecretRef): Promise<Readonly<Record<string, unknown>> | undefined>;
  /** The stored envelope of a reference. */
  sealed(ref: SecretRef): Promise<SealedSecret | undefined>;
  /** Stores `sealed` under `ref` as is, bypassing the vault: copies a row elsewhere, or alters it. */
  write(ref: SecretRef, sealed: SealedSecret): Promise<void>;
  cleanup(): Promise<void>;
}

/** Each call returns a fixture over empty storage. */
export type KeyVaultFactory = () => Promise<KeyVaultFixture>;

/** A reference no other test uses. */
export const newSecretRef = (overrides: Partial<SecretRef> = {}): SecretRef => ({
  scope: 'user',
  ownerId: `user-${randomUUID()}`,
  secretId: `key-${randomUUID()}`,
  provider: 'openai',
  ...overrides,
});

/** A realistic, unique provider key. */
export const aSecret = (prefix = 'sk-proj-'): string => `${prefix}${randomBytes(24).toString('base64url')}`;

const flipFirstBit = (bytes: Buffer): Buffer => {
  const altered = Buffer.from(bytes);
  altered[0] = altered[0]! ^ 1;
  return altered;
};

/** No column holds the secret, in any encoding a dump or a log might show. */
function expectNoPlaintext(row: Readonly<Record<string, unknown>>, secret: string): void {
  const needles = [secret, secret.slice(8, 20)];
  for (const [column, value] of Object.entries(row)) {
    const renderings = ArrayBuffer.isView(value)
      ? (() => {
          const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
          return ['utf8', 'latin1', 'hex', 'base64', 'base64url'].map((enc) =>
            bytes.toString(enc as BufferEncoding),
          );
        })()
      : [typeof value === 'string' ? value : (JSON.stringify(value) ?? '')];
    for (const text of renderings) {
      for (const needle of needles) {
        if (text.includes(needle)) throw new Error(`column ${column} holds the plaintext`);
      }
    }
  }
}

/**
 * The behaviour every KeyVault adapter must have (STYLE.md §8). `make` is called once for the suite
 * (tests use their own random references) and again by tests that count every row (rewrap).
 *
 *   keyVaultContract('in-memory', async () => { const rows = new Map(); return { vault: (keys) => new InMemoryKeyVault(keys, rows), … } });
 */
export function keyVaultContract(name: string, make: KeyVaultFactory): void {
  describe(`KeyVault contract: ${name}`, () => {
    const keys = KeyEncryptionKeys.generate();
    let shared: KeyVaultFixture | undefined;
    const fixture = (): KeyVaultFixture => {
      if (!shared) throw new Error('The fixture is not ready (make() failed?)');
      return shared;
    };
    const vault = (): KeyVault => fixture().vault(keys);

    /** Runs `test` on storage of its own, so it can count every row. */
    const withFreshStorage = async (test: (f: KeyVaultFixture) => Promise<void>): Promise<void> => {
      const fresh = await make();
      try {
        await test(fresh);
      } finally {
        await fresh.cleanup();
      }
    };

    beforeAll(async () => {
      shared = await make();
    });
    afterAll(async () => {
      await shared?.cleanup();
    });

    describe('put and get', () => {
      it('returns what it stored, and what events may carry about it', async () => {
        const ref = newSecretRef();
        const secret = aSecret();

        const stored = await vault().put(ref, secret);

        expect(stored).toEqual({
          kekVersion: keys.activeVersion,
          fingerprint: fingerprint(secret, keys),
          masked: maskSecret(secret),
          last4: secret.slice(-4),
        });
        expect(stored.masked).toBe(`sk-…${secret.slice(-4)}`);
        expect(stored.fingerprint).toMatch(/^[0-9a-f]{64}$/);
        expect(await vault().get(ref)).toBe(secret);
      });

      it('answers undefined for a reference that holds nothing', async () => {
        expect(await vault().get(newSecretRef())).toBeUndefined();
      });

      it('keeps any text exactly, including non-ASCII characters and whitespace', async () => {
        const ref = newSecretRef();
        const secret = `  clé-🔑-${randomUUID()}\n`;
        await vault().put(ref, secret);
        expect(await vault().get(ref)).toBe(secret);
      });

      it('replaces the secret of a reference on a second put', async () => {
        const ref = newSecretRef();
        await vault().put(ref, aSecret());
        const replacement = aSecret('sk-ant-');

        const stored = await vault().put(ref, replacement);

        expect(stored.fingerprint).toBe(fingerprint(replacement, keys));
        expect(await vault().get(ref)).toBe(replacement);
        expect(await vault().destroyOwner(ref.scope, ref.ownerId)).toBe(1);
      });

      it('keeps one row when several puts to a reference race', async () => {
        const ref = newSecretRef();
        const secrets = Array.from({ length: 5 }, () => aSecret());

        await Promise.all(secrets.map((s) => vault().put(ref, s)));

        expect(secrets).toContain(await vault().get(ref));
        expect(await vault().destroyOwner(ref.scope, ref.ownerId)).toBe(1);
      });

      it('keeps secrets of different scopes, owners and secret ids apart', async () => {
        const ownerId = `owner-${randomUUID()}`;
        const secretId = `key-${randomUUID()}`;
        const refs: SecretRef[] = [
          newSecretRef({ scope: 'platform', ownerId, secretId }),
          newSecretRef({ scope: 'user', ownerId, secretId }),
          newSecretRef({ scope: 'user', ownerId, secretId: `key-${randomUUID()}` }),
          newSecretRef({ scope: 'user', secretId }),
        ];
        const secrets = refs.map(() => aSecret());

        for (const [i, ref] of refs.entries()) await vault().put(ref, secrets[i]!);

        for (const [i, ref] of refs.entries()) expect(await vault().get(ref)).toBe(secrets[i]);
      });

      it('gives the same fingerprint for the same secret anywhere, and under other KEKs', async () => {
        const secret = aSecret();
        const a = await vault().put(newSecretRef(), secret);
        const rotated = keys.withKey(keys.activeVersion + 1, randomBytes(KEY_BYTES));
        const b = await fixture()
          .vault(rotated)
          .put(newSecretRef({ scope: 'platform' }), secret);
        const other = await vault().put(newSecretRef(), aSecret());

        expect(b.kekVersion).toBe(keys.activeVersion + 1);
        expect(b.fingerprint).toBe(a.fingerprint);
        expect(other.fingerprint).not.toBe(a.fingerprint);
      });
    });

    describe('at rest', () => {
      it('never stores the plaintext', async () => {
        const ref = newSecretRef();
        const secret = aSecret();
        await vault().put(ref, secret);

        const row = await fixture().rawRow(ref);

        expect(row).toBeDefined();
        expectNoPlaintext(row!, secret);
      });

      it('seals every put with a fresh data key and IV, even the same secret twice', async () => {
        const [first, second] = [newSecretRef(), newSecretRef()];
        const secret = aSecret();
        await vault().put(first, secret);
        await vault().put(second, secret);

        const [a, b] = [await fixture().sealed(first), await fixture().sealed(second)];

        expect(a!.iv.equals(b!.iv)).toBe(false);
        expect(a!.wrappedKey.equals(b!.wrappedKey)).toBe(false);
        expect(a!.ciphertext.equals(b!.ciphertext)).toBe(false);
      });
    });

    describe('destroy', () => {
      it('deletes the row: get answers undefined, a second destroy false', async () => {
        const ref = newSecretRef();
        await vault().put(ref, aSecret());

        expect(await vault().destroy(ref)).toBe(true);

        expect(await vault().get(ref)).toBeUndefined();
        expect(await fixture().rawRow(ref)).toBeUndefined();
        expect(await vault().destroy(ref)).toBe(false);
      });

      it('destroys every secret of one owner in one scope, and nothing else', async () => {
        const ownerId = `owner-${randomUUID()}`;
        const mine = [newSecretRef({ ownerId }), newSecretRef({ ownerId, provider: 'anthropic' })];
        const otherScope = newSecretRef({ scope: 'platform', ownerId });
        const otherOwner = newSecretRef();
        for (const ref of [...mine, otherScope, otherOwner]) await vault().put(ref, aSecret());

        expect(await vault().destroyOwner('user', ownerId)).toBe(2);

        for (const ref of mine) expect(await vault().get(ref)).toBeUndefined();
        expect(await vault().get(otherScope)).toBeDefined();
        expect(await vault().get(otherOwner)).toBeDefined();
        expect(await vault().destroyOwner('user', ownerId)).toBe(0);
      });
    });

    describe('sealed reads (held in memory, opened at the moment of use)', () => {
      it('getSealed returns the envelope as stored, and open gives the secret without I/O', async () => {
        const ref = newSecretRef();
        const secret = aSecret();
        await vault().put(ref, secret);

        const sealed = (await vault().getSealed(ref))!;

        expect(sealed.kekVersion).toBe(keys.activeVersion);
        expect(sealed.ciphertext.equals((await fixture().sealed(ref))!.ciphertext)).toBe(true);
        expect(JSON.stringify(sealed)).not.toContain(secret);
        expect(vault().open(ref, sealed)).toBe(secret);
        expect(await vault().getSealed(newSecretRef())).toBeUndefined();
      });

      it('is a copy: altering it changes nothing stored, and the altered envelope does not open', async () => {
        const ref = newSecretRef();
        const secret = aSecret();
        await vault().put(ref, secret);
        const sealed = (await vault().getSealed(ref))!;

        sealed.ciphertext[0] = sealed.ciphertext[0]! ^ 1;

        expect(() => vault().open(ref, sealed)).toThrow(SecretDecryptionError);
        expect(await vault().get(ref)).toBe(secret);
      });

      it('opens only under the reference it was read for', async () => {
        const ref = newSecretRef();
        await vault().put(ref, aSecret());
        const sealed = (await vault().getSealed(ref))!;

        for (const other of [
          { ...ref, ownerId: `user-${randomUUID()}` },
          { ...ref, secretId: `key-${randomUUID()}` },
          { ...ref, provider: 'anthropic' },
        ])
          expect(() => vault().open(other, sealed)).toThrow(SecretDecryptionError);
      });

      it('an envelope read before a rewrap still opens while both KEK versions are held', () =>
        withFreshStorage(async (f) => {
          const ref = newSecretRef();
          const secret = aSecret();
          await f.vault(keys).put(ref, secret);
          const before = (await f.vault(keys).getSealed(ref))!;
          const both = keys.withKey(keys.activeVersion + 1, randomBytes(KEY_BYTES));

          expect(await f.vault(both).rewrap()).toBe(1);

          expect(f.vault(both).open(ref, before)).toBe(secret);
          const after = (await f.vault(both).getSealed(ref))!;
          expect(after.kekVersion).toBe(keys.activeVersion + 1);
          expect(f.vault(both).open(ref, after)).toBe(secret);
          expect(() => f.vault(keys).open(ref, after)).toThrow(UnknownKekVersionError);
        }));
    });

    describe('key-encryption key rotation', () => {
      it('rewraps every data key under the active version, leaving the secrets’ ciphertexts alone', () =>
        withFreshStorage(async (f) => {
          const refs = [
            newSecretRef(),
            newSecretRef({ scope: 'platform', ownerId: 'openai' }),
            newSecretRef(),
          ];
          const secrets = refs.map(() => aSecret());
          for (const [i, ref] of refs.entries()) await f.vault(keys).put(ref, secrets[i]!);
          const before = await Promise.all(refs.map((ref) => f.sealed(ref)));
          const v2 = randomBytes(KEY_BYTES);
          const both = keys.withKey(2, v2);

          expect(await f.vault(both).rewrap()).toBe(3);

          for (const [i, ref] of refs.entries()) {
            const after = (await f.sealed(ref))!;
            expect(after.kekVersion).toBe(2);
            expect(after.wrappedKey.equals(before[i]!.wrappedKey)).toBe(false);
            expect(after.ciphertext.equals(before[i]!.ciphertext)).toBe(true);
            expect(after.iv.equals(before[i]!.iv)).toBe(true);
            expect(after.authTag.equals(before[i]!.authTag)).toBe(true);
          }
          expect(await f.vault(both).rewrap()).toBe(0);
          // v1 can go: a vault with only v2 (and the same fingerprint key) reads everything
          const onlyV2 = KeyEncryptionKeys.of({ keys: { 2: v2 }, fingerprintKey: keys.fingerprintKey });
          for (const [i, ref] of refs.entries()) expect(await f.vault(onlyV2).get(ref)).toBe(secrets[i]);
          expect((await f.vault(onlyV2).put(newSecretRef(), secrets[0]!)).fingerprint).toBe(
            fingerprint(secrets[0]!, keys),
          );
          await expect(f.vault(keys).get(refs[0]!)).rejects.toBeInstanceOf(UnknownKekVersionError);
        }));

      it('has nothing to rewrap when every row is under the active version', () =>
        withFreshStorage(async (f) => {
          await f.vault(keys).put(newSecretRef(), aSecret());
          expect(await f.vault(keys).rewrap()).toBe(0);
        }));

      it('puts new secrets under the active version while older rows still read', async () => {
        const old = newSecretRef();
        const secret = aSecret();
        await vault().put(old, secret);
        const rotated = keys.withKey(keys.activeVersion + 1, randomBytes(KEY_BYTES));

        const stored = await fixture().vault(rotated).put(newSecretRef(), aSecret());

        expect(stored.kekVersion).toBe(keys.activeVersion + 1);
        expect(await fixture().vault(rotated).get(old)).toBe(secret);
      });

      it('rewraps what it can and reports the rows whose KEK version is unknown', () =>
        withFreshStorage(async (f) => {
          const [known, unknown] = [newSecretRef(), newSecretRef()];
          const secret = aSecret();
          await f.vault(keys).put(known, secret);
          await f.vault(KeyEncryptionKeys.generate(7)).put(unknown, aSecret());
          const rotated = keys.withKey(2, randomBytes(KEY_BYTES));

          const failure = await f
            .vault(rotated)
            .rewrap()
            .catch((e: unknown) => e);

          expect(failure).toBeInstanceOf(RewrapIncompleteError);
          expect(failure).toMatchObject({ rewrapped: 1, failures: [{ ref: unknown }] });
          expect((failure as Error).message).toContain(unknown.ownerId);
          expect((failure as Error).message).toContain('v7');
          expect((await f.sealed(known))!.kekVersion).toBe(2);
          expect(await f.vault(rotated).get(known)).toBe(secret);
        }));

      it('refuses a row whose KEK version is not configured, naming the version', async () => {
        const ref = newSecretRef();
        await fixture().vault(KeyEncryptionKeys.generate(9)).put(ref, aSecret());

        const failure = await vault()
          .get(ref)
          .catch((e: unknown) => e);

        expect(failure).toBeInstanceOf(UnknownKekVersionError);
        expect(failure).toMatchObject({ code: 'KEY_VAULT.UNKNOWN_KEK_VERSION' });
        expect((failure as Error).message).toContain('v9');
      });

      it('refuses a row wrapped by another key under the same version number', async () => {
        const ref = newSecretRef();
        await vault().put(ref, aSecret());
        const impostor = KeyEncryptionKeys.of({
          keys: { [keys.activeVersion]: randomBytes(KEY_BYTES) },
          fingerprintKey: keys.fingerprintKey,
        });

        await expect(fixture().vault(impostor).get(ref)).rejects.toBeInstanceOf(SecretDecryptionError);
      });
    });

    describe('binding to the reference', () => {
      const copiedTo = async (overrides: Partial<SecretRef>) => {
        const from = newSecretRef();
        const secret = aSecret();
        await vault().put(from, secret);
        const to: SecretRef = { ...from, ...overrides };
        await fixture().write(to, (await fixture().sealed(from))!);
        return { from, to, secret };
      };

      it.each<[string, Partial<SecretRef>]>([
        ['another owner', { ownerId: `user-${randomUUID()}` }],
        ['another secret id', { secretId: `key-${randomUUID()}` }],
        ['another scope', { scope: 'platform' as VaultScope }],
        ['another provider', { ownerId: `user-${randomUUID()}`, provider: 'anthropic' }],
      ])('a row copied to %s does not decrypt there', async (_, overrides) => {
        const { from, to, secret } = await copiedTo(overrides);

        const failure = await vault()
          .get(to)
          .catch((e: unknown) => e);

        expect(failure).toBeInstanceOf(SecretDecryptionError);
        expect(failure).toMatchObject({ code: 'KEY_VAULT.DECRYPTION_FAILED' });
        expect((failure as Error).message).toContain(`${to.scope}/${to.ownerId}/${to.secretId}`);
        expect((failure as Error).message).not.toContain(secret);
        expect(await vault().get(from)).toBe(secret);
      });

      it('does not decrypt a row read under another provider', async () => {
        const ref = newSecretRef({ provider: 'openai' });
        await vault().put(ref, aSecret());

        await expect(vault().get({ ...ref, provider: 'mistral' })).rejects.toBeInstanceOf(
          SecretDecryptionError,
        );
      });

      it.each<keyof SealedSecret>(['ciphertext', 'authTag', 'iv', 'wrappedKey'])(
        'does not decrypt a row whose %s was altered',
        async (part) => {
          const ref = newSecretRef();
          await vault().put(ref, aSecret());
          const sealed = (await fixture().sealed(ref))!;
          if (part === 'kekVersion') throw new Error('not a byte column');
          await fixture().write(ref, { ...sealed, [part]: flipFirstBit(sealed[part]) });

          await expect(vault().get(ref)).rejects.toBeInstanceOf(SecretDecryptionError);
        },
      );
    });

    describe('validation', () => {
      it('refuses an empty secret', async () => {
        await expect(vault().put(newSecretRef(), '')).rejects.toMatchObject({
          code: 'KEY_VAULT.EMPTY_SECRET',
        });
      });

      it.each<[string, Partial<Record<keyof SecretRef, unknown>>]>([
        ['an unknown scope', { scope: 'tenant' }],
        ['an empty owner id', { ownerId: '' }],
        ['an empty secret id', { secretId: '' }],
        ['an empty provider', { provider: '' }],
      ])('refuses a reference with %s', async (_, overrides) => {
        const ref = { ...newSecretRef(), ...overrides } as SecretRef;
        await expect(vault().put(ref, aSecret())).rejects.toBeInstanceOf(ValidationError);
        await expect(vault().get(ref)).rejects.toBeInstanceOf(ValidationError);
      });
    });
  });
}
