import type { Role } from '@gw/shared-kernel';

/** What a verified access token says about its caller. */
export interface VerifiedIdentity {
  readonly userId: string;
  /** Roles the token grants (OIDC); undefined: the account's own roles (gateway-signed tokens). */
  readonly roles?: readonly Role[];
  /** When the token expires (ms since the epoch). */
  readonly expiresAt: number;
  /** The session it belongs to (gateway-signed tokens), checked against revoked sessions on every use. */
  readonly sessionId?: string;
  /** When its session signed in (ms since the epoch), if the token says. */
  readonly signedInAt?: number;
}

/** Five minutes: a revoked or changed token upstream is believed at most this long. */
export const MAX_CACHE_MS = 5 * 60_000;

/**
 * Verified tokens by their SHA-256, until min(exp, 5 min from verification), at most `capacity`
 * (least recently used go first). A repeated token then costs a hash and a map lookup instead of a
 * signature check.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, { identity: VerifiedIdentity; until: number }>();

  constructor(
    private readonly capacity = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(tokenHash: string): VerifiedIdentity | undefined {
    const entry = this.entries.get(tokenHash);
    if (!entry) return undefined;
    this.entries.delete(tokenHash);
    if (entry.until <= this.now()) return undefined;
    this.entries.set(tokenHash, entry); // most recently used last
    return entry.identity;
  }

  set(tokenHash: string, identity: VerifiedIdentity): void {
    const until = Math.min(identity.expiresAt, this.now() + MAX_CACHE_MS);
    if (until <= this.now()) return;
    this.entries.delete(tokenHash);
    this.entries.set(tokenHash, { identity, until });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
