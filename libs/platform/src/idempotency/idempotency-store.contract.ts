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

    /** Claims the key, which must be free: the claim that names the run. */
    const claimOf = async (store: IdempotencyStore, scope: string, fingerprint = 'b'): Promise<string> => {
      const outcome = await store.begin(scope, 'k', fingerprint, 60_000);
      if (outcome.state !== 'started') throw new Error(`expected the key free, found it ${outcome.state}`);
      return outcome.claim;
    };

    it('the first claim runs; a repeat is running, then gets the stored answer; another body is a mismatch', async () => {
      const scope = randomUUID();
      const claim = await claimOf(f.store, scope, 'body-1');
      expect(await f.twin.begin(scope, 'k', 'body-1', 60_000)).toEqual({ state: 'running' });
      await f.store.complete(scope, 'k', 'body-1', answer, 60_000, claim);
      expect(await f.twin.begin(scope, 'k', 'body-1', 60_000)).toEqual({ state: 'done', response: answer });
      expect(await f.twin.begin(scope, 'k', 'body-2', 60_000)).toEqual({ state: 'mismatch' });
      // Another caller's same key is another key.
      expect(await f.twin.begin(randomUUID(), 'k', 'body-1', 60_000)).toMatchObject({ state: 'started' });
    });

    it('an abandoned claim can be taken again', async () => {
      const scope = randomUUID();
      const claim = await claimOf(f.store, scope);
      await f.store.abandon(scope, 'k', claim);
      expect((await f.twin.begin(scope, 'k', 'b', 60_000)).state).toBe('started');
    });

    it('the claim of a request that crashed (never completed nor abandoned) is running until its TTL, then another takes it over', async () => {
      const scope = randomUUID();
      await claimOf(f.store, scope);
      // Its owner dies here. Before the TTL a repeat is told it still runs (the gateway's 409)…
      expect(await f.twin.begin(scope, 'k', 'b', 60_000)).toEqual({ state: 'running' });
      await f.passTtl(scope, 'k', 60_000);
      // …after it, the repeat runs, once, and its answer is what later repeats get.
      const second = await claimOf(f.twin, scope);
      expect(await f.store.begin(scope, 'k', 'b', 60_000)).toEqual({ state: 'running' });
      await f.twin.complete(scope, 'k', 'b', answer, 60_000, second);
      expect(await f.store.begin(scope, 'k', 'b', 60_000)).toEqual({ state: 'done', response: answer });
    });

    it('a run that outlived its claim and was taken over neither frees nor answers for the run that took it', async () => {
      const scope = randomUUID();
      const late = await claimOf(f.store, scope);
      await f.passTtl(scope, 'k', 60_000);
      const second = await claimOf(f.twin, scope);
      // The first run fails late: freeing the key now would let a third copy run beside the second.
      await f.store.abandon(scope, 'k', late);
      expect(await f.twin.begin(scope, 'k', 'b', 60_000)).toEqual({ state: 'running' });
      // Or it answers late: its answer is not the one repeats get while the second still runs…
      await f.store.complete(scope, 'k', 'b', { ...answer, body: '{"late":true}' }, 60_000, late);
      expect(await f.twin.begin(scope, 'k', 'b', 60_000)).toEqual({ state: 'running' });
      // …nor after the second has answered.
      await f.twin.complete(scope, 'k', 'b', answer, 60_000, second);
      await f.store.complete(scope, 'k', 'b', { ...answer, body: '{"late":true}' }, 60_000, late);
      await f.store.abandon(scope, 'k', late);
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
