/**
 * Idempotency keys of API requests (`Idempotency-Key`): the first request with a key runs, a repeat
 * within the TTL gets the first one's stored answer, a repeat while it runs is told so. Scoped by
 * caller: two callers' keys never meet.
 */

/** An answer as it is replayed. */
export interface StoredResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The body exactly as sent (JSON text, or a stream's whole SSE text). */
  readonly body: string;
}

export type BeginOutcome =
  | { readonly state: 'started' }
  | { readonly state: 'running' }
  | { readonly state: 'done'; readonly response: StoredResponse }
  /** The key was used with a different request body. */
  | { readonly state: 'mismatch' };

export interface IdempotencyStore {
  /**
   * Claims `key` for a request whose body hashes to `fingerprint`, for `runningTtlMs` (a claim whose
   * process died is free again after it), unless it is claimed or answered already.
   */
  begin(scope: string, key: string, fingerprint: string, runningTtlMs: number): Promise<BeginOutcome>;
  /** Stores the answer for `doneTtlMs`. */
  complete(
    scope: string,
    key: string,
    fingerprint: string,
    response: StoredResponse,
    doneTtlMs: number,
  ): Promise<void>;
  /** Frees the claim (the request failed: a retry runs again). */
  abandon(scope: string, key: string): Promise<void>;
  close(): Promise<void>;
}

interface Entry {
  readonly fingerprint: string;
  readonly response?: StoredResponse;
  readonly expiresAt: number;
}

/** One process's keys (embedded mode, and the fallback while Redis is unreachable). */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  private nextSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  begin(scope: string, key: string, fingerprint: string, runningTtlMs: number): Promise<BeginOutcome> {
    const at = this.now();
    this.sweep(at);
    const id = `${scope}\n${key}`;
    const entry = this.entries.get(id);
    if (entry && entry.expiresAt > at) return Promise.resolve(outcomeOf(entry, fingerprint));
    this.entries.set(id, { fingerprint, expiresAt: at + runningTtlMs });
    return Promise.resolve({ state: 'started' });
  }

  complete(
    scope: string,
    key: string,
    fingerprint: string,
    response: StoredResponse,
    doneTtlMs: number,
  ): Promise<void> {
    this.entries.set(`${scope}\n${key}`, { fingerprint, response, expiresAt: this.now() + doneTtlMs });
    return Promise.resolve();
  }

  abandon(scope: string, key: string): Promise<void> {
    this.entries.delete(`${scope}\n${key}`);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** At most once a minute: drops expired entries. */
  private sweep(at: number): void {
    if (at < this.nextSweep) return;
    this.nextSweep = at + 60_000;
    for (const [id, e] of this.entries) if (e.expiresAt <= at) this.entries.delete(id);
  }
}

export function outcomeOf(
  entry: { fingerprint: string; response?: StoredResponse },
  fingerprint: string,
): BeginOutcome {
  if (entry.fingerprint !== fingerprint) return { state: 'mismatch' };
  return entry.response ? { state: 'done', response: entry.response } : { state: 'running' };
}
