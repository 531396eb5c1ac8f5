import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt with N = 2^15, r = 8, p = 1 (32 MiB, tens of ms per hash: one of the OWASP password
 * storage choices), a random 16-byte salt, a 32-byte hash. Stored as
 * `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>`, so stronger parameters later still verify old hashes.
 */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
/** 128·N·r bytes is needed; node's default ceiling (32 MiB) is exactly that, so leave room. */
const MAX_MEMORY = 256 * 1024 * 1024;
/** Passwords longer than this are refused before hashing (a 1 MB password is a CPU attack). */
export const MAX_PASSWORD_LENGTH = 1024;

const derive = (password: string, salt: Buffer, length: number, options: ScryptOptions): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, length, { ...options, maxmem: MAX_MEMORY }, (e, key) =>
      e ? reject(e) : resolve(key),
    ),
  );

export async function hashPassword(password: string): Promise<string> {
  if (password.length > MAX_PASSWORD_LENGTH) throw new RangeError('password too long');
  const salt = randomBytes(16);
  const hash = await derive(password, salt, KEY_LENGTH, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** A stored hash nobody's password matches: verified when the user is unknown, so both take as long. */
export const UNKNOWN_USER_HASH = `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(KEY_LENGTH).toString('base64')}`;

/** Constant-time comparison; false for a malformed stored value or an over-long password. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (![N, r, p].every(Number.isInteger) || expected.length === 0) return false;
  const actual = await derive(password.slice(0, MAX_PASSWORD_LENGTH), salt, expected.length, { N, r, p });
  return timingSafeEqual(actual, expected) && password.length <= MAX_PASSWORD_LENGTH;
}
