import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

/** Created by migration `20261201120100_create_auth_refresh_tokens`. */
export const REFRESH_TOKENS_TABLE = 'auth_refresh_tokens';

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export type RefreshOutcome =
  | {
      readonly kind: 'rotated';
      readonly userId: string;
      readonly token: string;
      readonly familyId: string;
      /** When the family's sign-in happened (ms since the epoch); refreshing does not move it. */
      readonly signedInAt: number;
    }
  /** Unknown, expired or revoked: no new token. */
  | { readonly kind: 'invalid' }
  /** A token used before came back: someone copied it. Its whole family is revoked now. */
  | { readonly kind: 'reused'; readonly userId: string; readonly familyId: string };

/**
 * Opaque refresh tokens (32 random bytes, base64url), stored as their SHA-256 with an expiry. Every
 * refresh uses its token and issues the next of the same family (rotation); presenting a used token
 * again revokes the family, so a stolen token works at most until its owner's next refresh.
 */
export interface IssuedRefreshToken {
  readonly token: string;
  readonly familyId: string;
  readonly signedInAt: number;
}

export class RefreshTokens {
  constructor(
    private readonly knex: Knex,
    private readonly ttlMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** A new family (a sign-in). */
  issue(userId: string): Promise<IssuedRefreshToken> {
    return this.insert(this.knex, userId, randomUUID(), this.now());
  }

  async rotate(token: string): Promise<RefreshOutcome> {
    const now = this.now();
    return this.knex.transaction(async (trx) => {
      const row:
        | {
            family_id: string;
            user_id: string;
            expires_at: Date | string;
            used_at: unknown;
            revoked_at: unknown;
            signed_in_at: Date | string | null;
          }
        | undefined = await trx(REFRESH_TOKENS_TABLE)
        .where({ token_hash: hashToken(token) })
        .forUpdate()
        .first();
      if (!row || row.revoked_at) return { kind: 'invalid' as const };
      if (row.used_at) {
        await trx(REFRESH_TOKENS_TABLE)
          .where({ family_id: row.family_id })
          .whereNull('revoked_at')
          .update({ revoked_at: now });
        return { kind: 'reused' as const, userId: row.user_id, familyId: row.family_id };
      }
      if (new Date(row.expires_at).getTime() <= now.getTime()) return { kind: 'invalid' as const };
      await trx(REFRESH_TOKENS_TABLE)
        .where({ token_hash: hashToken(token) })
        .update({ used_at: now });
      // families from before signed_in_at count as signed in long ago
      const signedInAt = new Date(row.signed_in_at ?? 0);
      const next = await this.insert(trx, row.user_id, row.family_id, signedInAt);
      return { kind: 'rotated' as const, userId: row.user_id, ...next };
    });
  }

  /** Sign-out: the token's family ends; its id, or undefined for an unknown token. */
  async revokeFamilyOf(token: string): Promise<string | undefined> {
    const row: { family_id: string } | undefined = await this.knex(REFRESH_TOKENS_TABLE)
      .where({ token_hash: hashToken(token) })
      .first('family_id');
    if (!row) return undefined;
    await this.revokeFamily(row.family_id);
    return row.family_id;
  }

  /** Sign-out by session (an access token's `sid`): the family ends, whoever holds its refresh token. */
  async revokeFamily(familyId: string): Promise<void> {
    await this.knex(REFRESH_TOKENS_TABLE)
      .where({ family_id: familyId })
      .whereNull('revoked_at')
      .update({ revoked_at: this.now() });
  }

  /** Every family of a user (password changed, user disabled). */
  async revokeUser(userId: string): Promise<void> {
    await this.knex(REFRESH_TOKENS_TABLE)
      .where({ user_id: userId })
      .whereNull('revoked_at')
      .update({ revoked_at: this.now() });
  }

  /** Rows expired for more than a day go (called now and then; the table stays small). */
  async prune(): Promise<number> {
    const deleted: unknown = await this.knex(REFRESH_TOKENS_TABLE)
      .where('expires_at', '<', new Date(this.now().getTime() - 86_400_000))
      .delete();
    // pg answers the row count; knex-pglite its result object
    return typeof deleted === 'number' ? deleted : Number((deleted as { rowCount?: number }).rowCount ?? 0);
  }

  private async insert(
    db: Knex,
    userId: string,
    familyId: string,
    signedInAt: Date,
  ): Promise<IssuedRefreshToken> {
    const token = randomBytes(32).toString('base64url');
    await db(REFRESH_TOKENS_TABLE).insert({
      token_hash: hashToken(token),
      family_id: familyId,
      user_id: userId,
      expires_at: new Date(this.now().getTime() + this.ttlMs),
      signed_in_at: signedInAt,
    });
    return { token, familyId, signedInAt: signedInAt.getTime() };
  }
}
