import { MAX_CACHE_MS, VerifiedTokenCache } from './verified-token-cache';

describe('VerifiedTokenCache', () => {
  let now = 0;
  const identity = (expiresAt: number) => ({ userId: 'u', roles: ['user' as const], expiresAt });

  it('keeps a token until it expires', () => {
    const cache = new VerifiedTokenCache(10, () => now);
    now = 1_000;
    cache.set('h', identity(61_000));
    now = 60_999;
    expect(cache.get('h')).toEqual(identity(61_000));
    now = 61_000;
    expect(cache.get('h')).toBeUndefined();
  });

  it('keeps a long-lived token at most five minutes', () => {
    const cache = new VerifiedTokenCache(10, () => now);
    now = 0;
    cache.set('h', identity(3_600_000));
    now = MAX_CACHE_MS - 1;
    expect(cache.get('h')).toBeDefined();
    now = MAX_CACHE_MS;
    expect(cache.get('h')).toBeUndefined();
  });

  it('never stores an expired token', () => {
    const cache = new VerifiedTokenCache(10, () => now);
    now = 5_000;
    cache.set('h', identity(5_000));
    expect(cache.size).toBe(0);
  });

  it('is bounded: the least recently used token goes first', () => {
    const cache = new VerifiedTokenCache(2, () => now);
    now = 0;
    cache.set('a', identity(60_000));
    cache.set('b', identity(60_000));
    cache.get('a');
    cache.set('c', identity(60_000));
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
  });
});
