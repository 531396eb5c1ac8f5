import { idempotencyStoreContract } from './idempotency-store.contract';
import { InMemoryIdempotencyStore } from './idempotency-store';

describe('InMemoryIdempotencyStore', () => {
  idempotencyStoreContract('memory', () => {
    const store = new InMemoryIdempotencyStore();
    return Promise.resolve({ store, twin: store, close: () => store.close() });
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
