import { DEFAULT_BALANCING, type BalancingPolicy } from '../domain/routing-policy';
import { balance, drawOf } from './balancing';

const cand = (modelId: string, score: number, rateLimit?: number) => ({
  modelId,
  provider: modelId.split('/')[0]!,
  score,
  components: rateLimit === undefined ? {} : { rateLimit },
});
const on = (over: Partial<BalancingPolicy> = {}): BalancingPolicy => ({
  enabled: true,
  bandPercent: 5,
  weights: {},
  ...over,
});

describe('drawOf', () => {
  it('is in [0, 1) and the same for the same id', () => {
    for (const id of ['', 'a', 'req_01J', '0b7c7c3e-7e2f-4f55-9e70-1c3f8a2f1a11']) {
      const u = drawOf(id);
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      expect(drawOf(id)).toBe(u);
    }
    expect(drawOf('req-1')).not.toBe(drawOf('req-2'));
  });
});

describe('balance', () => {
  const list = [cand('a/x', 1), cand('b/y', 0.97), cand('c/z', 0.5)];

  it('does nothing when disabled, with one in the band, or every weight 0', () => {
    expect(balance(list, DEFAULT_BALANCING, 'r')).toBeUndefined();
    expect(balance(list, on({ bandPercent: 1 }), 'r')).toBeUndefined();
    expect(balance(list, on({ weights: { 'a/x': 0, b: 0 } }), 'r')).toBeUndefined();
  });

  it('pools the candidates within the band, moves the drawn one first, keeps the rest in order', () => {
    const r = balance(list, on({ weights: { 'a/x': 0 } }), 'req-1')!;
    expect(r.record).toMatchObject({ bandPercent: 5, pool: ['a/x', 'b/y'], chosen: 'b/y' });
    expect(r.record.draw).toBe(Math.round(drawOf('req-1') * 1e6) / 1e6);
    expect(r.candidates.map((c) => c.modelId)).toEqual(['b/y', 'a/x', 'c/z']);
  });

  it('the model weight wins over the provider weight; a candidate at its rate limit is not pooled', () => {
    const r = balance(list, on({ weights: { 'b/y': 0, b: 5, a: 0, 'a/x': 1 } }), 'q')!;
    expect(r.record.chosen).toBe('a/x');
    expect(balance([cand('a/x', 1), cand('b/y', 0.99, 1)], on(), 'q')).toBeUndefined();
  });

  it('the same request id always draws the same candidate', () => {
    const first = balance(list, on({ bandPercent: 50 }), 'stable-id')!.record.chosen;
    for (let i = 0; i < 5; i++)
      expect(balance(list, on({ bandPercent: 50 }), 'stable-id')!.record.chosen).toBe(first);
  });

  it('over 10,000 request ids the split follows the weights within ±2 %', () => {
    const pool = [cand('a/x', 1), cand('b/y', 0.99), cand('c/z', 0.98)];
    const weights = { a: 3, 'b/y': 1, c: 6 };
    const counts: Record<string, number> = { 'a/x': 0, 'b/y': 0, 'c/z': 0 };
    const n = 10_000;
    for (let i = 0; i < n; i++) counts[balance(pool, on({ weights }), `req-${i}`)!.record.chosen]! += 1;
    expect(Math.abs(counts['a/x']! / n - 0.3)).toBeLessThan(0.02);
    expect(Math.abs(counts['b/y']! / n - 0.1)).toBeLessThan(0.02);
    expect(Math.abs(counts['c/z']! / n - 0.6)).toBeLessThan(0.02);
  });
});
