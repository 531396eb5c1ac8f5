import { randomUUID } from 'node:crypto';
import type { IdempotencyStore } from './idempotency-store';

/** One contract both stores pass. */
export function idempotencyStoreContract(
  name: string,
  open: () => Promise<{
    store: IdempotencyStore;
    twin: IdempotencyStore;
    /**
     * Lets the running claim of (scope, key), made with `ttlMs`, outlive its TTL: the store's clock
     * moved on, or (Redis, whose clock is its own) the claim checked to expire within `ttlMs` and
     * then made to expire now.
     */
    passTtl(scope: string, key: string, ttlMs: number): Promise<void>;
    close(): Promise<void>;
  }>,
): void {
  describe(`IdempotencyStore contract: ${name}`, () => {
    let f: Awaited<ReturnType<typeof open>>;
    beforeAll(async () => {
      f = await open();
    });
    afterAll(() => f.close());
    const answer = { status: 200, headers: { 'x-a': '1' }, body: '{"ok":true}' };

    it('the first claim runs; a repeat is running, then gets the stored answer; another body is a mismatch', async () => {
      const scope = randomUUID();
      expect(await f.store.begin(scope, 'k', 'body-1', 60_000)).toEqual({ state: 'started' });
      expect(await f.twin.begin(scope, 'k', 'body-1', 60_000)).toEqual({ state: 'running' });
      await f.store.complete(scope, 'k', 'body-1', answer, 60_000);
      expect(await f.twin.begin(scope, 'k', 'body-1', 60_000)).toEqual({ state: 'done', response: answer });
      expect(await f.twin.begin(scope, 'k', 'body-2', 60_000)).toEqual({ state: 'mismatch' });
      // Another caller's same key is another key.
      expect(await f.twin.begin(randomUUID(), 'k', 'body-1', 60_000)).toEqual({ state: 'started' });
    });

    it('an abandoned claim can be taken again', async () => {
      const scope = randomUUID();
      expect((await f.store.begin(scope, 'k', 'b', 60_000)).state).toBe('started');
      await f.store.abandon(scope, 'k');
      expect((await f.twin.begin(scope, 'k', 'b', 60_000)).state).toBe('started');
    });

    it('the claim of a request that crashed (never completed nor abandoned) is running until its TTL, then another takes it over', async () => {
      const scope = randomUUID();
      expect(await f.store.begin(scope, 'k', 'b', 60_000)).toEqual({ state: 'started' });
      // Its owner dies here. Before the TTL a repeat is told it still runs (the gateway's 409)…
      expect(await f.twin.begin(scope, 'k', 'b', 60_000)).toEqual({ state: 'running' });
      await f.passTtl(scope, 'k', 60_000);
      // …after it, the repeat runs, once, and its answer is what later repeats get.
      expect(await f.twin.begin(scope, 'k', 'b', 60_000)).toEqual({ state: 'started' });
      expect(await f.store.begin(scope, 'k', 'b', 60_000)).toEqual({ state: 'running' });
      await f.twin.complete(scope, 'k', 'b', answer, 60_000);
      expect(await f.store.begin(scope, 'k', 'b', 60_000)).toEqual({ state: 'done', response: answer });
    });

    it('of many concurrent claims of one key exactly one runs', async () => {
      const scope = randomUUID();
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? f.store : f.twin).begin(scope, 'k', 'b', 60_000)),
      );
      expect(outcomes.filter((o) => o.state === 'started')).toHaveLength(1);
      expect(outcomes.filter((o) => o.state === 'running')).toHaveLength(19);
    });
  });
}
