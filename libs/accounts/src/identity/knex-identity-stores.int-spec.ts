import { randomUUID } from 'node:crypto';
import { describeBackends, openTestDatabase, type TestDatabase } from '@gw/database/testing';
import { migration as createAuthRefreshTokens } from '../../../../migrations/20261201120100_create_auth_refresh_tokens';
import { migration as createLocalCredentials } from '../../../../migrations/20261201120000_create_local_credentials';
import { migration as addSignedInAt } from '../../../../migrations/20261214120000_add_signed_in_at_to_auth_refresh_tokens';
import { KnexLocalCredentials, LOCAL_CREDENTIALS_TABLE } from './knex-local-credentials';
import { hashPassword } from './password-hash';
import { REFRESH_TOKENS_TABLE, RefreshTokens } from './refresh-tokens';

describeBackends('local sign-in stores', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(
      kind,
      [createLocalCredentials, createAuthRefreshTokens, addSignedInAt],
      'identity_test',
    );
  });
  afterAll(() => db?.drop());

  describe('KnexLocalCredentials', () => {
    it('verifies the password of a username without case; a wrong password or unknown user is undefined', async () => {
      const credentials = new KnexLocalCredentials(db.knex);
      const userId = randomUUID();
      await credentials.set(userId, 'Ada.Lovelace', 'correct horse battery');
      await expect(credentials.verify('ada.lovelace', 'correct horse battery')).resolves.toBe(userId);
      await expect(credentials.verify(' ADA.LOVELACE ', 'correct horse battery')).resolves.toBe(userId);
      await expect(credentials.verify('ada.lovelace', 'wrong horse battery')).resolves.toBeUndefined();
      await expect(credentials.verify('nobody', 'correct horse battery')).resolves.toBeUndefined();
    });

    it('stores a scrypt hash, never the password', async () => {
      const credentials = new KnexLocalCredentials(db.knex);
      const userId = randomUUID();
      await credentials.set(userId, `u-${userId}`, 'a-very-secret-password');
      const rows = await db.knex(LOCAL_CREDENTIALS_TABLE).where({ user_id: userId });
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain('a-very-secret-password');
      expect(rows[0].password_hash).toMatch(/^scrypt\$/);
    });

    it('set replaces the password (and username); remove forgets it', async () => {
      const credentials = new KnexLocalCredentials(db.knex);
      const userId = randomUUID();
      await credentials.set(userId, `old-${userId}`, 'first-password');
      await credentials.set(userId, `new-${userId}`, 'second-password');
      await expect(credentials.verify(`old-${userId}`, 'first-password')).resolves.toBeUndefined();
      await expect(credentials.verify(`new-${userId}`, 'second-password')).resolves.toBe(userId);
      await credentials.remove(userId);
      await expect(credentials.verify(`new-${userId}`, 'second-password')).resolves.toBeUndefined();
      await expect(credentials.has(userId)).resolves.toBe(false);
    });

    it('refuses a username another user has, and short passwords', async () => {
      const credentials = new KnexLocalCredentials(db.knex);
      const name = `taken-${randomUUID()}`;
      await credentials.set(randomUUID(), name, 'password-one');
      await expect(credentials.set(randomUUID(), name.toUpperCase(), 'password-two')).rejects.toMatchObject({
        code: 'AUTH.USERNAME_TAKEN',
      });
      await expect(credentials.set(randomUUID(), `x-${name}`, 'short')).rejects.toMatchObject({
        code: 'AUTH.WEAK_PASSWORD',
      });
    });
  });

  it('a password hashed with older scrypt parameters signs in and is stored again with today', async () => {
    const credentials = new KnexLocalCredentials(db.knex);
    const userId = randomUUID();
    const username = `legacy-${userId}`;
    const old = await hashPassword('legacy-password', { N: 2 ** 15, r: 8, p: 1 });
    await db
      .knex(LOCAL_CREDENTIALS_TABLE)
      .insert({ user_id: userId, username, password_hash: old, updated_at: new Date() });
    const stored = async (): Promise<string> =>
      (
        (await db.knex(LOCAL_CREDENTIALS_TABLE).where({ user_id: userId }).first('password_hash')) as {
          password_hash: string;
        }
      ).password_hash;

    await expect(credentials.verify(username, 'wrong-password')).resolves.toBeUndefined();
    expect(await stored()).toBe(old); // a wrong password changes nothing
    await expect(credentials.verify(username, 'legacy-password')).resolves.toBe(userId);
    const rehashed = await stored();
    expect(rehashed).not.toBe(old);
    expect(rehashed).toMatch(/^scrypt\$131072\$8\$1\$/);
    await expect(credentials.verify(username, 'legacy-password')).resolves.toBe(userId);
    expect(await stored()).toBe(rehashed); // already current: not hashed again
  }, 120_000);

  it('verifyUser checks the password of a user id', async () => {
    const credentials = new KnexLocalCredentials(db.knex);
    const userId = randomUUID();
    await credentials.set(userId, `by-id-${userId}`, 'password-by-id');
    await expect(credentials.verifyUser(userId, 'password-by-id')).resolves.toBe(true);
    await expect(credentials.verifyUser(userId, 'password-by-ie')).resolves.toBe(false);
    await expect(credentials.verifyUser(randomUUID(), 'password-by-id')).resolves.toBe(false);
  }, 120_000);

  it('two users setting the same new username at once: one gets it, the other a 400', async () => {
    const credentials = new KnexLocalCredentials(db.knex);
    const name = `race-${randomUUID()}`;
    const results = await Promise.allSettled([
      credentials.set(randomUUID(), name, 'password-one'),
      credentials.set(randomUUID(), name, 'password-two'),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(rejected.reason).toMatchObject({ code: 'AUTH.USERNAME_TAKEN' });
  });

  describe('RefreshTokens', () => {
    it('rotates: each token works once and yields the next of the same family', async () => {
      const tokens = new RefreshTokens(db.knex, 60_000);
      const { token, familyId } = await tokens.issue('u1');
      const first = await tokens.rotate(token);
      expect(first).toMatchObject({ kind: 'rotated', userId: 'u1', familyId });
      const next = first.kind === 'rotated' ? first.token : '';
      expect(next).not.toBe(token);
      await expect(tokens.rotate(next)).resolves.toMatchObject({ kind: 'rotated', familyId });
    });

    it('a used token presented again revokes the whole family', async () => {
      const tokens = new RefreshTokens(db.knex, 60_000);
      const { token, familyId } = await tokens.issue('u2');
      const rotated = await tokens.rotate(token);
      const newest = rotated.kind === 'rotated' ? rotated.token : '';
      await expect(tokens.rotate(token)).resolves.toEqual({ kind: 'reused', userId: 'u2', familyId });
      await expect(tokens.rotate(newest)).resolves.toEqual({ kind: 'invalid' });
    });

    it('expired, unknown and logged-out tokens are invalid; only hashes are stored', async () => {
      let now = new Date('2026-01-01T00:00:00Z');
      const tokens = new RefreshTokens(db.knex, 60_000, () => now);
      const expiring = await tokens.issue('u3');
      now = new Date(now.getTime() + 60_001);
      await expect(tokens.rotate(expiring.token)).resolves.toEqual({ kind: 'invalid' });
      await expect(tokens.rotate(randomUUID())).resolves.toEqual({ kind: 'invalid' });
      const session = await tokens.issue('u3');
      await tokens.revokeFamilyOf(session.token);
      await expect(tokens.rotate(session.token)).resolves.toEqual({ kind: 'invalid' });
      const rows = await db.knex(REFRESH_TOKENS_TABLE).where({ user_id: 'u3' });
      expect(JSON.stringify(rows)).not.toContain(session.token);
      expect(JSON.stringify(rows)).not.toContain(expiring.token);
    });

    it('prune removes tokens expired for more than a day, and only those', async () => {
      let now = new Date('2030-01-01T00:00:00Z');
      const tokens = new RefreshTokens(db.knex, 60_000, () => now);
      const old = await tokens.issue('u5');
      now = new Date(now.getTime() + 60_000 + 86_400_000 + 1);
      const fresh = await tokens.issue('u5');
      await expect(tokens.prune()).resolves.toBeGreaterThanOrEqual(1);
      const left = await db.knex(REFRESH_TOKENS_TABLE).where({ user_id: 'u5' }).select('family_id');
      expect(left.map((r: { family_id: string }) => r.family_id)).toEqual([fresh.familyId]);
      expect(left).not.toContainEqual({ family_id: old.familyId });
    });

    it('the session keeps its sign-in time across rotations', async () => {
      let now = new Date('2026-03-01T10:00:00Z');
      const tokens = new RefreshTokens(db.knex, 3_600_000, () => now);
      const issued = await tokens.issue('u6');
      expect(issued.signedInAt).toBe(now.getTime());
      now = new Date(now.getTime() + 20 * 60_000);
      const rotated = await tokens.rotate(issued.token);
      expect(rotated).toMatchObject({ kind: 'rotated', signedInAt: Date.parse('2026-03-01T10:00:00Z') });
    });

    it('two concurrent refreshes with the same token: one rotates, the other is a reuse', async () => {
      const tokens = new RefreshTokens(db.knex, 60_000);
      const { token } = await tokens.issue('u4');
      const outcomes = await Promise.all([tokens.rotate(token), tokens.rotate(token)]);
      expect(outcomes.map((o) => o.kind).sort()).toEqual(['reused', 'rotated']);
    });
  });
});
