import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/**
 * scrypt at OWASP's current recommendation (Password Storage Cheat Sheet): N = 2^17, r = 8, p = 1
 * (128 MiB, ~0.7 s of one libuv thread per hash on the 2-core box), a random 16-byte salt, a
 * 32-byte hash. Stored as `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>`: a hash made with other
 * parameters (the earlier N = 2^15) still verifies, and `needsRehash` tells the sign-in to store a
 * new one.
 */
export const PASSWORD_HASH_PARAMS: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };
const KEY_LENGTH = 32;
/** scrypt needs 128·N·r bytes (128 MiB here); node's default ceiling is 32 MiB, so raise it. */
const memoryFor = ({ N, r }: ScryptParams): number => 128 * N * r + 1024 * 1024;
/** A stored value asking for more than this is refused rather than computed (a tampered row). */
const MAX_MEMORY = 1024 * 1024 * 1024;
/** Passwords longer than this are refused before hashing (a 1 MB password is a CPU attack). */
export const MAX_PASSWORD_LENGTH = 1024;

/**
 * Hashes running at once, at most: scrypt runs on libuv's thread pool (4 threads), which DNS lookups
 * and file I/O share; a burst of sign-ins waits here instead of taking all four.
 */
export const MAX_CONCURRENT_HASHES = 2;

/** Runs at most `max` of the given works at once; the others wait their turn, first come first served. */
export function concurrencyLimit(max: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (work) => {
    if (running < max) running += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve)); // the slot is handed over
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}

const withHashSlot = concurrencyLimit(MAX_CONCURRENT_HASHES);

const derive = (password: string, salt: Buffer, length: number, params: ScryptParams): Promise<Buffer> =>
  withHashSlot(
    () =>
      new Promise((resolve, reject) => {
        const options: ScryptOptions = { ...params, maxmem: memoryFor(params) };
        scrypt(password.normalize('NFKC'), salt, length, options, (e, key) => (e ? reject(e) : resolve(key)));
      }),
  );

export async function hashPassword(
  password: string,
  params: ScryptParams = PASSWORD_HASH_PARAMS,
): Promise<string> {
  if (password.length > MAX_PASSWORD_LENGTH) throw new RangeError('password too long');
  const salt = randomBytes(16);
  const hash = await derive(password, salt, KEY_LENGTH, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** A stored hash nobody's password matches: verified when the user is unknown, so both take as long. */
export const UNKNOWN_USER_HASH = `scrypt$${PASSWORD_HASH_PARAMS.N}$${PASSWORD_HASH_PARAMS.r}$${PASSWORD_HASH_PARAMS.p}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(KEY_LENGTH).toString('base64')}`;

interface StoredHash {
  readonly params: ScryptParams;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

function parse(stored: string): StoredHash | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const hash = Buffer.from(parts[5]!, 'base64');
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || hash.length === 0) return undefined;
  // N a power of two above 1, and memory within reason: anything else is no hash of ours
  if (N < 2 || (N & (N - 1)) !== 0 || memoryFor({ N, r, p }) > MAX_MEMORY) return undefined;
  return { params: { N, r, p }, salt: Buffer.from(parts[4]!, 'base64'), hash };
}

/** Constant-time comparison; false for a malformed stored value or an over-long password. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const actual = await derive(
    password.slice(0, MAX_PASSWORD_LENGTH),
    parsed.salt,
    parsed.hash.length,
    parsed.params,
  );
  return timingSafeEqual(actual, parsed.hash) && password.length <= MAX_PASSWORD_LENGTH;
}

/** Whether a stored hash was made with other parameters than today's (rehash it at the next sign-in). */
export function needsRehash(stored: string, params: ScryptParams = PASSWORD_HASH_PARAMS): boolean {
  const parsed = parse(stored);
  return (
    !parsed ||
    parsed.params.N !== params.N ||
    parsed.params.r !== params.r ||
    parsed.params.p !== params.p ||
    parsed.hash.length !== KEY_LENGTH
  );
}
