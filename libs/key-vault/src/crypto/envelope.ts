import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretDecryptionError } from '../key-vault.errors';
import type { SecretRef } from '../key-vault.port';
import { KEY_BYTES, type KeyEncryptionKeys } from './key-encryption-keys';

/**
 * Envelope encryption, pure (node:crypto only):
 *
 *   secret   = AES-256-GCM(dataKey, iv, plaintext, aad = ref)              → ciphertext, authTag
 *   wrapped  = AES-256-GCM(KEK[v], wrapIv, dataKey, aad = ref + v)         → wrapIv | encrypted key | tag
 *
 * Every secret has its own random 256-bit data key and random 96-bit IVs. The associated data binds both
 * layers to the reference (scope, owner id, secret id, provider), so a row decrypted under any other
 * reference fails; the wrap also binds the KEK version. Rotating the KEK re-wraps the data key only.
 */
export interface SealedSecret {
  readonly kekVersion: number;
  /** wrapIv (12) | encrypted data key (32) | tag (16): 60 bytes. */
  readonly wrappedKey: Buffer;
  /** 12 bytes. */
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
  /** 16 bytes. */
  readonly authTag: Buffer;
}

const ALGORITHM = 'aes-256-gcm';
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
export const WRAPPED_KEY_BYTES = IV_BYTES + KEY_BYTES + TAG_BYTES;

const CONTEXT = 'switchyard/key-vault/v1';

/** Unambiguous encoding of the reference (a JSON array: no separator can be smuggled in an id). */
const secretAad = (ref: SecretRef): Buffer =>
  Buffer.from(JSON.stringify([CONTEXT, 'secret', ref.scope, ref.ownerId, ref.secretId, ref.provider]));

const dataKeyAad = (ref: SecretRef, kekVersion: number): Buffer =>
  Buffer.from(
    JSON.stringify([CONTEXT, 'data-key', kekVersion, ref.scope, ref.ownerId, ref.secretId, ref.provider]),
  );

function encrypt(
  key: Buffer,
  plaintext: Buffer,
  aad: Buffer,
): { iv: Buffer; ciphertext: Buffer; tag: Buffer } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
}

/** Undefined when the data does not authenticate (wrong key, other AAD, altered bytes). */
function decrypt(key: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer, aad: Buffer): Buffer | undefined {
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    return undefined;
  }
}

function wrapDataKey(keys: KeyEncryptionKeys, ref: SecretRef, dataKey: Buffer): Buffer {
  const version = keys.activeVersion;
  const { iv, ciphertext, tag } = encrypt(keys.key(version), dataKey, dataKeyAad(ref, version));
  return Buffer.concat([iv, ciphertext, tag]);
}

/** The data key; throws UnknownKekVersionError or SecretDecryptionError. Zero it after use. */
function unwrapDataKey(keys: KeyEncryptionKeys, ref: SecretRef, sealed: SealedSecret): Buffer {
  const kek = keys.key(sealed.kekVersion);
  const wrapped = sealed.wrappedKey;
  const dataKey =
    wrapped.length === WRAPPED_KEY_BYTES
      ? decrypt(
          kek,
          wrapped.subarray(0, IV_BYTES),
          wrapped.subarray(IV_BYTES, IV_BYTES + KEY_BYTES),
          wrapped.subarray(IV_BYTES + KEY_BYTES),
          dataKeyAad(ref, sealed.kekVersion),
        )
      : undefined;
  if (!dataKey || dataKey.length !== KEY_BYTES) {
    throw new SecretDecryptionError(ref, sealed.kekVersion, 'data key');
  }
  return dataKey;
}

/** Encrypts `plaintext` under a fresh data key wrapped by the active KEK. */
export function sealSecret(keys: KeyEncryptionKeys, ref: SecretRef, plaintext: string): SealedSecret {
  const dataKey = randomBytes(KEY_BYTES);
  const bytes = Buffer.from(plaintext, 'utf8');
  try {
    const { iv, ciphertext, tag } = encrypt(dataKey, bytes, secretAad(ref));
    return {
      kekVersion: keys.activeVersion,
      wrappedKey: wrapDataKey(keys, ref, dataKey),
      iv,
      ciphertext,
      authTag: tag,
    };
  } finally {
    dataKey.fill(0);
    bytes.fill(0);
  }
}

/**
 * The plaintext of a sealed secret read under `ref`. Throws `UnknownKekVersionError` when its KEK version
 * is not configured and `SecretDecryptionError` when anything does not authenticate.
 */
export function openSecret(keys: KeyEncryptionKeys, ref: SecretRef, sealed: SealedSecret): string {
  const dataKey = unwrapDataKey(keys, ref, sealed);
  try {
    const bytes = decrypt(dataKey, sealed.iv, sealed.ciphertext, sealed.authTag, secretAad(ref));
    if (!bytes) throw new SecretDecryptionError(ref, sealed.kekVersion, 'secret');
    const plaintext = bytes.toString('utf8');
    bytes.fill(0);
    return plaintext;
  } finally {
    dataKey.fill(0);
  }
}

/**
 * The same secret with its data key re-wrapped under the active KEK. `iv`, `ciphertext` and `authTag` are
 * the very same bytes; only `wrappedKey` and `kekVersion` change.
 */
export function rewrapSealed(keys: KeyEncryptionKeys, ref: SecretRef, sealed: SealedSecret): SealedSecret {
  const dataKey = unwrapDataKey(keys, ref, sealed);
  try {
    return { ...sealed, kekVersion: keys.activeVersion, wrappedKey: wrapDataKey(keys, ref, dataKey) };
  } finally {
    dataKey.fill(0);
  }
}
