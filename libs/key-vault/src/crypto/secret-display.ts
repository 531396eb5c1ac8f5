import { createHmac } from 'node:crypto';
import type { KeyEncryptionKeys } from './key-encryption-keys';
import type { StoredSecret } from '../key-vault.port';

/** Below this length a secret shows no prefix and only 2 trailing characters. */
const SHORT = 12;
/** Below this length a secret shows nothing at all. */
const TINY = 8;
/** From this length a recognisable prefix (`sk-`, `gsk_`, `AIz`) is shown. */
const LONG = 20;

const ELLIPSIS = '…';

/** The trailing characters `maskSecret` shows: 4, or 2 for secrets under 12 characters, none under 8. */
export function last4(secret: string): string {
  const chars = Array.from(secret);
  if (chars.length < TINY) return '';
  return chars.slice(chars.length < SHORT ? -2 : -4).join('');
}

/**
 * A form of the key a person recognises and that is safe to store and show: `sk-…wxyz`, `AIz…wxyz`.
 * The prefix runs up to the first '-' or '_' when it comes within 4 characters, else it is 3 characters,
 * and is shown only for keys of 20 characters or more; at most 8 characters of the key appear.
 */
export function maskSecret(secret: string): string {
  const chars = Array.from(secret);
  const tail = last4(secret);
  if (chars.length < LONG) return `${ELLIPSIS}${tail}`;
  const separator = chars.slice(1, 4).findIndex((c) => c === '-' || c === '_');
  const prefix = chars.slice(0, separator >= 0 ? separator + 2 : 3).join('');
  return `${prefix}${ELLIPSIS}${tail}`;
}

/**
 * HMAC-SHA256 of the secret under the fingerprint key, as hex: tells whether two stored keys are the same
 * without revealing either, and stays the same when KEKs rotate.
 */
export function fingerprint(secret: string, keys: KeyEncryptionKeys): string {
  return createHmac('sha256', keys.fingerprintKey).update(secret, 'utf8').digest('hex');
}

/** What a put returns: everything about the secret that may be stored and shown. */
export const describeSecret = (
  plaintext: string,
  keys: KeyEncryptionKeys,
  kekVersion: number,
): StoredSecret => ({
  kekVersion,
  fingerprint: fingerprint(plaintext, keys),
  masked: maskSecret(plaintext),
  last4: last4(plaintext),
});
