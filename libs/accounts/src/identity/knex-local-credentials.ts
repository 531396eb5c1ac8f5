import type { Knex } from 'knex';
import { ValidationError } from '@gw/shared-kernel';
import type { LocalCredentials } from './local-credentials.port';
import {
  hashPassword,
  MAX_PASSWORD_LENGTH,
  needsRehash,
  UNKNOWN_USER_HASH,
  verifyPassword,
} from './password-hash';

/** Created by migration `20261201120000_create_local_credentials`. */
export const LOCAL_CREDENTIALS_TABLE = 'local_credentials';

export const MIN_PASSWORD_LENGTH = 8;

const taken = (): ValidationError =>
  new ValidationError('AUTH.USERNAME_TAKEN', 'This username is taken', { param: 'username' });

/** Usernames compare without case and surrounding spaces. */
export const normalizeUsername = (username: string): string => username.trim().toLowerCase();

interface CredentialRow {
  readonly user_id: string;
  readonly password_hash: string;
}

/**
 * LocalCredentials on the read-model database (PGlite or PostgreSQL). `verify` runs scrypt whether
 * or not the user exists (against a hash nothing matches), so the answer takes as long either way.
 * A right password whose hash was made with older scrypt parameters is hashed again with today's
 * and stored (unless the password changed meanwhile).
 */
export class KnexLocalCredentials implements LocalCredentials {
  constructor(private readonly knex: Knex) {}

  async set(userId: string, username: string, password: string): Promise<void> {
    const name = normalizeUsername(username);
    if (name.length === 0 || name.length > 200)
      throw new ValidationError('AUTH.INVALID_USERNAME', 'username must have 1 to 200 characters', {
        param: 'username',
      });
    if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH)
      throw new ValidationError(
        'AUTH.WEAK_PASSWORD',
        `password must have ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`,
        { param: 'password' },
      );
    const existing = await this.knex(LOCAL_CREDENTIALS_TABLE)
      .where({ username: name })
      .whereNot({ user_id: userId })
      .first('user_id');
    if (existing) throw taken();
    const passwordHash = await hashPassword(password);
    try {
      await this.knex(LOCAL_CREDENTIALS_TABLE)
        .insert({ user_id: userId, username: name, password_hash: passwordHash, updated_at: new Date() })
        .onConflict('user_id')
        .merge(['username', 'password_hash', 'updated_at']);
    } catch (e) {
      // another user took the name between the check and the insert
      if ((e as { code?: unknown }).code === '23505') throw taken();
      throw e;
    }
  }

  async verify(username: string, password: string): Promise<string | undefined> {
    const row: CredentialRow | undefined = await this.knex(LOCAL_CREDENTIALS_TABLE)
      .where({ username: normalizeUsername(username) })
      .first('user_id', 'password_hash');
    return this.check(row, password);
  }

  async verifyUser(userId: string, password: string): Promise<boolean> {
    const row: CredentialRow | undefined = await this.knex(LOCAL_CREDENTIALS_TABLE)
      .where({ user_id: userId })
      .first('user_id', 'password_hash');
    return (await this.check(row, password)) !== undefined;
  }

  private async check(row: CredentialRow | undefined, password: string): Promise<string | undefined> {
    const ok = await verifyPassword(password, row?.password_hash ?? UNKNOWN_USER_HASH);
    if (!ok || !row) return undefined;
    if (needsRehash(row.password_hash)) await this.rehash(row, password);
    return row.user_id;
  }

  /** Today's parameters for a right password; a concurrent change of the password wins. */
  private async rehash(row: CredentialRow, password: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    await this.knex(LOCAL_CREDENTIALS_TABLE)
      .where({ user_id: row.user_id, password_hash: row.password_hash })
      .update({ password_hash: passwordHash, updated_at: new Date() });
  }

  async remove(userId: string): Promise<void> {
    await this.knex(LOCAL_CREDENTIALS_TABLE).where({ user_id: userId }).delete();
  }

  /** Whether the user has a password (bootstrap: create the missing ones). */
  async has(userId: string): Promise<boolean> {
    return Boolean(await this.knex(LOCAL_CREDENTIALS_TABLE).where({ user_id: userId }).first('user_id'));
  }
}
