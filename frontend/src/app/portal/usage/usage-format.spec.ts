import { formatSpend, spendDigits } from './usage-format';

describe('formatSpend', () => {
  it('shows cents from a cent up, and micro-dollars below so that small spend is not "$0.00"', () => {
    expect(formatSpend('132')).toBe('$0.000132');
    expect(formatSpend('9999')).toBe('$0.009999');
    expect(formatSpend('10000')).toBe('$0.01');
    expect(formatSpend('1234567890')).toBe('$1,234.57');
    expect(formatSpend('0')).toBe('$0.00');
    expect(spendDigits('not a number')).toBe(2);
  });
});
