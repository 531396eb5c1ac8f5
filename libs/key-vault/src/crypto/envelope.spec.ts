import { randomBytes } from 'node:crypto';
import { SecretDecryptionError, UnknownKekVersionError } from '../key-vault.errors';
import type { SecretRef } from '../key-vault.port';
import {
  IV_BYTES,
  openSecret,
  rewrapSealed,
  sealSecret,
  TAG_BYTES,
  WRAPPED_KEY_BYTES,
  type SealedSecret,
} from './envelope';
import { KEY_BYTES, KeyEncryptionKeys } from './key-encryption-keys';

const ref: SecretRef = { scope: 'user', ownerId: 'user-1', secretId: 'key-1', provider: 'openai' };
const secret = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789';
const keys = KeyEncryptionKeys.generate();

const flip = (bytes: Buffer, at = 0): Buffer => {
  const altered = Buffer.from(bytes);
  altered[at] = altered[at]! ^ 0x80;
  return altered;
};

describe('envelope encryption', () => {
  it('round-trips a secret', () => {
    expect(openSecret(keys, ref, sealSecret(keys, ref, secret))).toBe(secret);
  });

  it('round-trips any UTF-8 text', () => {
    const text = 'ключ 🔑 \u0000 end';
    expect(openSecret(keys, ref, sealSecret(keys, ref, text))).toBe(text);
  });

  it('has the documented shape and never holds the plaintext', () => {
    const sealed = sealSecret(keys, ref, secret);

    expect(sealed.kekVersion).toBe(1);
    expect(sealed.wrappedKey).toHaveLength(WRAPPED_KEY_BYTES);
    expect(sealed.iv).toHaveLength(IV_BYTES);
    expect(sealed.authTag).toHaveLength(TAG_BYTES);
    expect(sealed.ciphertext).toHaveLength(Buffer.byteLength(secret));
    for (const part of [sealed.wrappedKey, sealed.iv, sealed.ciphertext, sealed.authTag]) {
      expect(part.includes(Buffer.from(secret))).toBe(false);
    }
  });

  it('uses a fresh data key and IV every time', () => {
    const [a, b] = [sealSecret(keys, ref, secret), sealSecret(keys, ref, secret)];
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.wrappedKey.equals(b.wrappedKey)).toBe(false);
  });

  describe('refuses anything that does not authenticate', () => {
    const sealed = sealSecret(keys, ref, secret);
    const cases: [string, SealedSecret][] = [
      ['an altered ciphertext', { ...sealed, ciphertext: flip(sealed.ciphertext) }],
      [
        'an altered last ciphertext byte',
        { ...sealed, ciphertext: flip(sealed.ciphertext, sealed.ciphertext.length - 1) },
      ],
      ['a truncated ciphertext', { ...sealed, ciphertext: sealed.ciphertext.subarray(1) }],
      ['an altered tag', { ...sealed, authTag: flip(sealed.authTag) }],
      ['a truncated tag', { ...sealed, authTag: sealed.authTag.subarray(0, 4) }],
      ['an altered IV', { ...sealed, iv: flip(sealed.iv) }],
      ['an altered wrapped data key', { ...sealed, wrappedKey: flip(sealed.wrappedKey, 20) }],
      ['an altered wrap tag', { ...sealed, wrappedKey: flip(sealed.wrappedKey, WRAPPED_KEY_BYTES - 1) }],
      ['a truncated wrapped data key', { ...sealed, wrappedKey: sealed.wrappedKey.subarray(0, 40) }],
    ];
    it.each(cases)('%s', (_, altered) => {
      expect(() => openSecret(keys, ref, altered)).toThrow(SecretDecryptionError);
    });

    it.each<[string, Partial<SecretRef>]>([
      ['scope', { scope: 'platform' }],
      ['owner id', { ownerId: 'user-2' }],
      ['secret id', { secretId: 'key-2' }],
      ['provider', { provider: 'anthropic' }],
    ])('the same row under another %s (associated data)', (_, overrides) => {
      expect(() => openSecret(keys, { ...ref, ...overrides }, sealed)).toThrow(SecretDecryptionError);
    });

    it('ids that would run together in a naive encoding', () => {
      const a: SecretRef = { ...ref, ownerId: 'ab', secretId: 'c' };
      const b: SecretRef = { ...ref, ownerId: 'a', secretId: 'bc' };
      expect(() => openSecret(keys, b, sealSecret(keys, a, secret))).toThrow(SecretDecryptionError);
    });

    it('a wrong KEK under the same version', () => {
      const other = KeyEncryptionKeys.of({
        keys: { 1: randomBytes(KEY_BYTES) },
        fingerprintKey: keys.fingerprintKey,
      });
      expect(() => openSecret(other, ref, sealed)).toThrow(SecretDecryptionError);
    });

    it('a KEK version that is not configured', () => {
      expect(() => openSecret(keys, ref, { ...sealed, kekVersion: 2 })).toThrow(UnknownKekVersionError);
    });

    it('a row relabelled with another configured KEK version', () => {
      const both = keys.withKey(2, randomBytes(KEY_BYTES));
      expect(() => openSecret(both, ref, { ...sealed, kekVersion: 2 })).toThrow(SecretDecryptionError);
    });

    it('without ever putting the plaintext or a key into the message', () => {
      const other = KeyEncryptionKeys.of({
        keys: { 1: randomBytes(KEY_BYTES) },
        fingerprintKey: keys.fingerprintKey,
      });
      const message = (() => {
        try {
          openSecret(other, ref, sealed);
        } catch (e) {
          return (e as Error).message;
        }
        return '';
      })();
      expect(message).toContain('user/user-1/key-1 (provider openai)');
      expect(message).not.toContain(secret);
      expect(message).not.toContain(keys.key(1).toString('base64'));
    });
  });

  describe('rewrap', () => {
    it('re-wraps the data key under the active KEK and leaves the secret’s bytes alone', () => {
      const sealed = sealSecret(keys, ref, secret);
      const v2 = randomBytes(KEY_BYTES);
      const rotated = keys.withKey(2, v2);

      const rewrapped = rewrapSealed(rotated, ref, sealed);

      expect(rewrapped.kekVersion).toBe(2);
      expect(rewrapped.wrappedKey.equals(sealed.wrappedKey)).toBe(false);
      expect(rewrapped.ciphertext).toBe(sealed.ciphertext);
      expect(rewrapped.iv).toBe(sealed.iv);
      expect(rewrapped.authTag).toBe(sealed.authTag);
      const onlyV2 = KeyEncryptionKeys.of({ keys: { 2: v2 }, fingerprintKey: keys.fingerprintKey });
      expect(openSecret(onlyV2, ref, rewrapped)).toBe(secret);
      expect(() => openSecret(keys, ref, rewrapped)).toThrow(UnknownKekVersionError);
    });

    it('refuses to re-wrap under another reference', () => {
      const sealed = sealSecret(keys, ref, secret);
      const rotated = keys.withKey(2, randomBytes(KEY_BYTES));
      expect(() => rewrapSealed(rotated, { ...ref, ownerId: 'user-2' }, sealed)).toThrow(
        SecretDecryptionError,
      );
    });
  });
});
