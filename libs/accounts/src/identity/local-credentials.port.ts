/**
 * Local sign-in (embedded mode, no OIDC issuer): usernames with scrypt password hashes, kept in a
 * table outside the event log (a hash is still a secret). The identity slice implements it; creating
 * a user with a password (admin users endpoint, bootstrap) calls `set`.
 */
export interface LocalCredentials {
  /** Creates or replaces the user's username and password. */
  set(userId: string, username: string, password: string): Promise<void>;
  /** The user id when the username and password match, else undefined (same time either way). */
  verify(username: string, password: string): Promise<string | undefined>;
  /** Whether `password` is this user's (asking again before a sensitive change); same time either way. */
  verifyUser(userId: string, password: string): Promise<boolean>;
  /** Forgets the user's password (user removed or disabled-and-deleted). */
  remove(userId: string): Promise<void>;
}

export const LOCAL_CREDENTIALS = Symbol('LocalCredentials');
