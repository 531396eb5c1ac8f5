import { hashPassword, UNKNOWN_USER_HASH, verifyPassword } from './password-hash';

describe('password hashing (scrypt)', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(stored).not.toContain('correct horse');
    await expect(verifyPassword('correct horse battery staple', stored)).resolves.toBe(true);
    await expect(verifyPassword('correct horse battery stapl', stored)).resolves.toBe(false);
  });

  it('salts every hash: the same password hashes differently', async () => {
    expect(await hashPassword('pw')).not.toBe(await hashPassword('pw'));
  });

  it('no password matches the unknown-user hash; malformed stored values are refused', async () => {
    await expect(verifyPassword('', UNKNOWN_USER_HASH)).resolves.toBe(false);
    await expect(verifyPassword('x', 'plain-text')).resolves.toBe(false);
    await expect(verifyPassword('x', 'scrypt$a$b$c$d$e')).resolves.toBe(false);
  });

  it('refuses an over-long password', async () => {
    await expect(hashPassword('x'.repeat(2000))).rejects.toThrow(RangeError);
    const stored = await hashPassword('x'.repeat(1024));
    await expect(verifyPassword('x'.repeat(1025), stored)).resolves.toBe(false);
  });
});
