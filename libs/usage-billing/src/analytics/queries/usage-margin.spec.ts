import { usageMargin } from './usage-aggregate';

describe('usageMargin', () => {
  it('is charge minus provider cost, and that over the charge', () => {
    expect(usageMargin(1_500_000n, 1_000_000n)).toEqual({ marginMicros: '500000', marginRate: 0.333333 });
  });

  it('is negative for a loss', () => {
    expect(usageMargin(1_000_000n, 1_250_000n)).toEqual({ marginMicros: '-250000', marginRate: -0.25 });
  });

  it('has no rate when nothing was charged', () => {
    expect(usageMargin(0n, 42n)).toEqual({ marginMicros: '-42', marginRate: null });
  });
});
