import { formatMarginRate, marginMicros, marginRate } from './admin-usage-format';

describe('margin', () => {
  it('is charge minus cost, exactly, and that over the charge', () => {
    expect(marginMicros('9007199254740993', '1')).toBe('9007199254740992');
    expect(marginRate('1500000', '1000000')).toBe(0.333333);
    expect(formatMarginRate(marginRate('1500000', '1000000'))).toBe('33.3%');
  });

  it('is negative for a loss and has no rate without a charge', () => {
    expect(marginMicros('100', '250')).toBe('-150');
    expect(marginRate('100', '250')).toBe(-1.5);
    expect(marginRate('0', '42')).toBeNull();
    expect(formatMarginRate(null)).toBe('—');
  });
});
