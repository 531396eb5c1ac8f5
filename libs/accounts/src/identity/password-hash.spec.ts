import {
  hashPassword,
  concurrencyLimit,
  MAX_CONCURRENT_HASHES,
  needsRehash,
  PASSWORD_HASH_PARAMS,
  UNKNOWN_USER_HASH,
  verifyPassword,
} from './password-hash';

/** Cheap parameters where the cost is not what a test is about (one hash at today's is ~0.3-1 s here). */
const CHEAP = { N: 2 ** 10, r: 8, p: 1 };
/** Hashing at production parameters on a shared 2-core box. */
const SLOW_MS = 60_000;

describe('password hashing (scrypt)', () => {
  it(
    "hashes at OWASP's current scrypt parameters (N = 2^17, r = 8, p = 1), verifies the right password and refuses a wrong one",
    async () => {
      expect(PASSWORD_HASH_PARAMS).toEqual({ N: 2 ** 17, r: 8, p: 1 });
      const stored = await hashPassword('correct horse battery staple');
      expect(stored).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
      expect(stored).not.toContain('correct horse');
      expect(needsRehash(stored)).toBe(false);
      await expect(verifyPassword('correct horse battery staple', stored)).resolves.toBe(true);
      await expect(verifyPassword('correct horse battery stapl', stored)).resolves.toBe(false);
    },
    SLOW_MS,
  );

  it('salts every hash: the same password hashes differently', async () => {
    expect(await hashPassword('pw', CHEAP)).not.toBe(await hashPassword('pw', CHEAP));
  });

  it(
    'no password matches the unknown-user hash (today parameters); malformed stored values are refused',
    async () => {
      expect(UNKNOWN_USER_HASH.split('$').slice(1, 4)).toEqual(['131072', '8', '1']);
      await expect(verifyPassword('', UNKNOWN_USER_HASH)).resolves.toBe(false);
      await expect(verifyPassword('x', 'plain-text')).resolves.toBe(false);
      await expect(verifyPassword('x', 'scrypt$a$b$c$d$e')).resolves.toBe(false);
    },
    SLOW_MS,
  );

  it('refuses an over-long password', async () => {
    await expect(hashPassword('x'.repeat(2000))).rejects.toThrow(RangeError);
    const stored = await hashPassword('x'.repeat(1024), CHEAP);
    await expect(verifyPassword('x'.repeat(1025), stored)).resolves.toBe(false);
  });

  it('a hash made with older parameters (N = 2^15) still verifies, and needs a rehash', async () => {
    const old = await hashPassword('old password', { N: 2 ** 15, r: 8, p: 1 });
    expect(old).toMatch(/^scrypt\$32768\$8\$1\$/);
    await expect(verifyPassword('old password', old)).resolves.toBe(true);
    await expect(verifyPassword('old passwore', old)).resolves.toBe(false);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash('plain-text')).toBe(true);
  });

  it('refuses stored parameters no hash of ours has (N not a power of two, gigabytes of memory)', async () => {
    const [, , , , salt, hash] = (await hashPassword('pw', CHEAP)).split('$');
    await expect(verifyPassword('pw', `scrypt$1000$8$1$${salt}$${hash}`)).resolves.toBe(false);
    await expect(verifyPassword('pw', `scrypt$${2 ** 24}$8$1$${salt}$${hash}`)).resolves.toBe(false);
    await expect(verifyPassword('pw', `scrypt$1024$8$1$${salt}$${hash}`)).resolves.toBe(true);
  });

  it('hashes run at most 2 at once (libuv threads stay free for DNS and files); the rest wait their turn', async () => {
    expect(MAX_CONCURRENT_HASHES).toBe(2);
    const limit = concurrencyLimit(MAX_CONCURRENT_HASHES);
    let inFlight = 0;
    let most = 0;
    const gates: Array<() => void> = [];
    const started: number[] = [];
    const works = Array.from({ length: 7 }, (_, i) =>
      limit(async () => {
        started.push(i);
        most = Math.max(most, ++inFlight);
        await new Promise<void>((resolve) => gates.push(resolve));
        inFlight -= 1;
        return i;
      }),
    );
    while (started.length < 7) {
      await new Promise((resolve) => setImmediate(resolve));
      gates.shift()?.();
    }
    gates.forEach((open) => open());
    await expect(Promise.all(works)).resolves.toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(most).toBe(2);
  });
});
