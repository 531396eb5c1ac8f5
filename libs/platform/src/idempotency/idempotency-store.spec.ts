import { idempotencyStoreContract } from './idempotency-store.contract';
import { InMemoryIdempotencyStore } from './idempotency-store';

describe('InMemoryIdempotencyStore', () => {
  idempotencyStoreContract('memory', () => {
    let now = Date.parse('2026-12-01T12:00:00.000Z');
    const store = new InMemoryIdempotencyStore(() => now);
    return Promise.resolve({
      store,
      twin: store,
      passTtl: (_scope: string, _key: string, ttlMs: number) => {
        now += ttlMs;
        return Promise.resolve();
      },
      close: () => store.close(),
    });
  });

  it('a claim expires after its TTL (a process that died mid-request frees its keys)', async () => {
    let now = 1_000;
    const store = new InMemoryIdempotencyStore(() => now);
    expect((await store.begin('s', 'k', 'b', 500)).state).toBe('started');
    now += 499;
    expect((await store.begin('s', 'k', 'b', 500)).state).toBe('running');
    now += 1;
    expect((await store.begin('s', 'k', 'b', 500)).state).toBe('started');
  });
});
