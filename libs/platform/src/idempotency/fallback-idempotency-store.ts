import type { BeginOutcome, IdempotencyStore, StoredResponse } from './idempotency-store';

/**
 * Redis when it answers, else this instance's own memory: while Redis is unreachable a repeat that
 * reaches another instance runs again (logged once per outage). A claim is completed or abandoned in
 * the store that made it.
 */
export class FallbackIdempotencyStore implements IdempotencyStore {
  private degraded = false;
  private readonly claimedIn = new Map<string, IdempotencyStore>();

  constructor(
    private readonly primary: IdempotencyStore,
    private readonly fallback: IdempotencyStore,
    private readonly available: () => boolean,
    private readonly onDegraded: (e: Error) => void,
  ) {}

  async begin(scope: string, key: string, fingerprint: string, runningTtlMs: number): Promise<BeginOutcome> {
    const id = `${scope}\n${key}`;
    if (this.available()) {
      try {
        const outcome = await this.primary.begin(scope, key, fingerprint, runningTtlMs);
        this.degraded = false;
        if (outcome.state === 'started') this.claimedIn.set(id, this.primary);
        return outcome;
      } catch (e) {
        this.down(e);
      }
    } else this.down(new Error('not connected'));
    const outcome = await this.fallback.begin(scope, key, fingerprint, runningTtlMs);
    if (outcome.state === 'started') this.claimedIn.set(id, this.fallback);
    return outcome;
  }

  async complete(
    scope: string,
    key: string,
    fingerprint: string,
    response: StoredResponse,
    doneTtlMs: number,
    claim: string,
  ): Promise<void> {
    const store = this.take(scope, key);
    await store.complete(scope, key, fingerprint, response, doneTtlMs, claim);
  }

  async abandon(scope: string, key: string, claim: string): Promise<void> {
    await this.take(scope, key).abandon(scope, key, claim);
  }

  async close(): Promise<void> {
    await this.primary.close();
    await this.fallback.close();
  }

  private take(scope: string, key: string): IdempotencyStore {
    const id = `${scope}\n${key}`;
    const store = this.claimedIn.get(id) ?? this.fallback;
    this.claimedIn.delete(id);
    return store;
  }

  private down(e: unknown): void {
    if (this.degraded) return;
    this.degraded = true;
    this.onDegraded(e instanceof Error ? e : new Error(String(e)));
  }
}
