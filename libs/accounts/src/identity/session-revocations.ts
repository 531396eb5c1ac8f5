/**
 * Sessions ended before their access tokens expire (logout, a refresh token presented twice). The
 * access token names its session (`sid`); every instance refuses a token whose session is on this
 * list, which it answers from memory on every request, cached tokens included. An entry lives as
 * long as the longest access token of the session may (its `untilMs`), then goes.
 */
export interface SessionRevocations {
  /** This instance refuses the session's tokens at once; other instances within seconds. */
  revoke(sessionId: string, untilMs: number): Promise<void>;
  /** From this instance's memory (synchronous: checked on every authenticated request). */
  isRevoked(sessionId: string): boolean;
  close(): Promise<void>;
}

/** Revoked session ids until their expiry, in memory; expired entries are dropped as they are met. */
export class RevokedSessionList {
  private readonly until = new Map<string, number>();
  private added = 0;

  constructor(private readonly now: () => number = Date.now) {}

  add(sessionId: string, untilMs: number): void {
    if (untilMs <= this.now()) return;
    this.until.set(sessionId, Math.max(untilMs, this.until.get(sessionId) ?? 0));
    if (++this.added % 1_000 === 0) this.prune();
  }

  has(sessionId: string): boolean {
    const until = this.until.get(sessionId);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.until.delete(sessionId);
    return false;
  }

  get size(): number {
    return this.until.size;
  }

  private prune(): void {
    const now = this.now();
    for (const [id, until] of this.until) if (until <= now) this.until.delete(id);
  }
}

/** Embedded mode: one instance, the list in its memory. */
export class InMemorySessionRevocations implements SessionRevocations {
  private readonly list: RevokedSessionList;

  constructor(now: () => number = Date.now) {
    this.list = new RevokedSessionList(now);
  }

  revoke(sessionId: string, untilMs: number): Promise<void> {
    this.list.add(sessionId, untilMs);
    return Promise.resolve();
  }

  isRevoked(sessionId: string): boolean {
    return this.list.has(sessionId);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
