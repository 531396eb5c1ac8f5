import { randomUUID } from 'node:crypto';
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
  /** `claim` names this run: only it may complete or abandon the key (see IdempotencyStore). */
  | { readonly state: 'started'; readonly claim: string }
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
  /**
   * Stores the answer for `doneTtlMs`, if the key is still `claim`'s (or free): a run that outlived
   * its TTL and was taken over never overwrites the run that took it over, nor its answer.
   */
  complete(
    scope: string,
    key: string,
    fingerprint: string,
    response: StoredResponse,
    doneTtlMs: number,
    claim: string,
  ): Promise<void>;
  /**
   * Frees the claim (the request failed: a retry runs again), if the key is still `claim`'s: a late
   * run never frees another's claim (which would let a third copy run).
   */
  abandon(scope: string, key: string, claim: string): Promise<void>;
  close(): Promise<void>;
}

interface Entry {
  readonly fingerprint: string;
  /** The running claim (absent once answered). */
  readonly claim?: string;
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
    const claim = randomUUID();
    this.entries.set(id, { fingerprint, claim, expiresAt: at + runningTtlMs });
    return Promise.resolve({ state: 'started', claim });
  }

  complete(
    scope: string,
    key: string,
    fingerprint: string,
    response: StoredResponse,
    doneTtlMs: number,
    claim: string,
  ): Promise<void> {
    const id = `${scope}\n${key}`;
    if (this.heldByAnother(id, claim)) return Promise.resolve();
    this.entries.set(id, { fingerprint, response, expiresAt: this.now() + doneTtlMs });
    return Promise.resolve();
  }

  abandon(scope: string, key: string, claim: string): Promise<void> {
    const id = `${scope}\n${key}`;
    if (!this.heldByAnother(id, claim)) this.entries.delete(id);
    return Promise.resolve();
  }

  /** A live entry that is not `claim`'s running claim: another run's, or an answer. */
  private heldByAnother(id: string, claim: string): boolean {
    const entry = this.entries.get(id);
    return entry !== undefined && entry.expiresAt > this.now() && entry.claim !== claim;
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
