import { costOfTokens, microsFromString } from './money';

describe('money', () => {
  it('prices tokens in integer micro-dollars, rounding half up once per request', () => {
    // 1,000 input tokens at $0.15/M = 150 µ$; 500 output at $0.60/M = 300 µ$
    expect(
      costOfTokens([
        { tokens: 1000, pricePerMillion: 150_000n },
        { tokens: 500, pricePerMillion: 600_000n },
      ]),
    ).toBe(450n);
    // 3 tokens at $0.10/M = 0.3 µ$ → 0; 5 tokens → 0.5 µ$ → 1
    expect(costOfTokens([{ tokens: 3, pricePerMillion: 100_000n }])).toBe(0n);
    expect(costOfTokens([{ tokens: 5, pricePerMillion: 100_000n }])).toBe(1n);
  });

  it('does not lose precision on large amounts', () => {
    expect(costOfTokens([{ tokens: 2_000_000_000, pricePerMillion: 75_000_000n }])).toBe(150_000_000_000n);
  });

  it('parses only integer strings', () => {
    expect(microsFromString('123')).toBe(123n);
    expect(() => microsFromString('1.5')).toThrow();
  });
});
