import { formatMicros, parseDollars } from './money';

describe('formatMicros', () => {
  it('formats integer micro-dollars exactly, with thousands separators', () => {
    expect(formatMicros('1234567890')).toBe('$1,234.57');
    expect(formatMicros('5')).toBe('$0.00');
    expect(formatMicros('5', 6)).toBe('$0.000005');
    expect(formatMicros('-2500000')).toBe('-$2.50');
    expect(formatMicros('9007199254740993000000')).toBe('$9,007,199,254,740,993.00');
  });

  it('shows a dash for no value or a value that is not an integer', () => {
    expect(formatMicros(null)).toBe('—');
    expect(formatMicros('1.5')).toBe('—');
  });
});

describe('parseDollars', () => {
  it('reads what a user types as micro-dollars', () => {
    expect(parseDollars('12.50')).toBe(12_500_000n);
    expect(parseDollars('$3')).toBe(3_000_000n);
    expect(parseDollars('0.000001')).toBe(1n);
  });

  it('refuses what is not an amount', () => {
    expect(parseDollars('abc')).toBeNull();
    expect(parseDollars('1.0000001')).toBeNull();
    expect(parseDollars('-1')).toBeNull();
  });
});
