import { randomBytes } from 'node:crypto';
import { KEY_BYTES, KeyEncryptionKeys } from './key-encryption-keys';
import { fingerprint, last4, maskSecret } from './secret-display';

/** How many characters of `secret` the masked form reveals. */
const revealed = (masked: string): number => Array.from(masked.replace('…', '')).length;

describe('maskSecret and last4', () => {
  it.each([
    ['sk-proj-4f9aXbT0qLmN2pQrStUvWxYz', 'sk-…WxYz', 'WxYz'],
    ['sk-ant-api03-AAAABBBBCCCCDDDDwxyz', 'sk-…wxyz', 'wxyz'],
    ['gsk_abcdefghijklmnopqrstuvwxyz12', 'gsk_…yz12', 'yz12'],
    ['AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOp', 'AIz…MnOp', 'MnOp'],
    ['0123456789abcdef0123456789abcdef', '012…cdef', 'cdef'],
    ['-leading-dash-key-0123456789', '-le…6789', '6789'],
    ['short-but-12ch', '…12ch', '12ch'],
    ['exactly19chars-abcd', '…abcd', 'abcd'],
    ['123456789012', '…9012', '9012'],
    ['12345678901', '…01', '01'],
    ['12345678', '…78', '78'],
    ['1234567', '…', ''],
    ['x', '…', ''],
  ])('%s → %s', (secret, masked, tail) => {
    expect(maskSecret(secret)).toBe(masked);
    expect(last4(secret)).toBe(tail);
  });

  it('never shows more than 8 characters of a key, nor half of a short one', () => {
    for (let length = 1; length <= 80; length += 1) {
      const secret = randomBytes(60).toString('base64url').slice(0, length).padEnd(length, 'x');
      const shown = revealed(maskSecret(secret));
      expect(shown).toBeLessThanOrEqual(8);
      if (length < 20) expect(shown * 2).toBeLessThanOrEqual(Math.max(0, length - 4));
    }
  });

  it('counts characters, not UTF-16 units', () => {
    expect(maskSecret('🔑'.repeat(12))).toBe('…🔑🔑🔑🔑');
  });
});

describe('fingerprint', () => {
  const keys = KeyEncryptionKeys.generate();

  it('is a keyed HMAC-SHA256 in hex, the same for the same secret', () => {
    const a = fingerprint('sk-secret-one', keys);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprint('sk-secret-one', keys)).toBe(a);
    expect(fingerprint('sk-secret-two', keys)).not.toBe(a);
  });

  it('stays the same when the KEKs rotate, and differs under another fingerprint key', () => {
    const rotated = keys.withKey(2, randomBytes(KEY_BYTES)).withoutKey(1);
    expect(fingerprint('sk-secret-one', rotated)).toBe(fingerprint('sk-secret-one', keys));
    expect(fingerprint('sk-secret-one', KeyEncryptionKeys.generate())).not.toBe(
      fingerprint('sk-secret-one', keys),
    );
  });
});
