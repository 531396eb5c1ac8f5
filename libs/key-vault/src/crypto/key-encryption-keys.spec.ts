import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { UnknownKekVersionError, VaultConfigError } from '../key-vault.errors';
import { KEY_BYTES, KeyEncryptionKeys } from './key-encryption-keys';

const key = () => randomBytes(KEY_BYTES);

describe('KeyEncryptionKeys', () => {
  it('makes the highest version active unless told otherwise', () => {
    const keys = KeyEncryptionKeys.of({ keys: { 1: key(), 3: key(), 2: key() }, fingerprintKey: key() });
    expect(keys.activeVersion).toBe(3);
    expect(keys.versions).toEqual([1, 2, 3]);
    expect(
      KeyEncryptionKeys.of({ keys: { 1: key(), 2: key() }, fingerprintKey: key(), activeVersion: 1 })
        .activeVersion,
    ).toBe(1);
  });

  it('copies the keys it is given', () => {
    const k = key();
    const keys = KeyEncryptionKeys.of({ keys: new Map([[1, k]]), fingerprintKey: key() });
    const before = Buffer.from(k);
    k.fill(0);
    expect(keys.key(1).equals(before)).toBe(true);
  });

  it.each<[string, () => unknown]>([
    ['no keys', () => KeyEncryptionKeys.of({ keys: {}, fingerprintKey: key() })],
    ['a short KEK', () => KeyEncryptionKeys.of({ keys: { 1: randomBytes(16) }, fingerprintKey: key() })],
    ['version 0', () => KeyEncryptionKeys.of({ keys: { 0: key() }, fingerprintKey: key() })],
    [
      'a fractional version',
      () => KeyEncryptionKeys.of({ keys: new Map([[1.5, key()]]), fingerprintKey: key() }),
    ],
    [
      'a long fingerprint key',
      () => KeyEncryptionKeys.of({ keys: { 1: key() }, fingerprintKey: randomBytes(33) }),
    ],
    [
      'an active version without key',
      () => KeyEncryptionKeys.of({ keys: { 1: key() }, fingerprintKey: key(), activeVersion: 2 }),
    ],
  ])('refuses %s', (_, make) => {
    expect(make).toThrow(VaultConfigError);
  });

  it('refuses a fingerprint key equal to a KEK', () => {
    const k = key();
    expect(() => KeyEncryptionKeys.of({ keys: { 1: key(), 2: k }, fingerprintKey: k })).toThrow(
      /differ from KEK v2/,
    );
  });

  it('rotates: withKey adds and activates, withoutKey removes', () => {
    const keys = KeyEncryptionKeys.generate();
    const rotated = keys.withKey(2, key());
    expect(rotated.activeVersion).toBe(2);
    expect(rotated.versions).toEqual([1, 2]);
    expect(rotated.fingerprintKey.equals(keys.fingerprintKey)).toBe(true);
    const retired = rotated.withoutKey(1);
    expect(retired.versions).toEqual([2]);
    expect(keys.versions).toEqual([1]);
    expect(() => retired.key(1)).toThrow(UnknownKekVersionError);
  });

  it('never shows key material when printed, inspected or serialised', () => {
    const keys = KeyEncryptionKeys.generate(4);
    const material = [keys.key(4), keys.fingerprintKey].flatMap((k) => [
      k.toString('base64'),
      k.toString('hex'),
    ]);
    const renderings = [
      String(keys),
      `${keys}`,
      inspect(keys, { depth: 5 }),
      JSON.stringify(keys),
      inspect({ keys }),
    ];
    for (const text of renderings) {
      expect(text).toMatch(/v?4/);
      for (const m of material) expect(text).not.toContain(m);
    }
    expect(JSON.parse(JSON.stringify(keys))).toEqual({ activeVersion: 4, versions: [4] });
  });
});
