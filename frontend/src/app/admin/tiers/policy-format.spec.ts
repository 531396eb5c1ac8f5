import {
  billingChanges,
  dollarsText,
  multiplierText,
  parseLimit,
  parseMultiplier,
  parsePercent,
  percentText,
  rateLimitsChanges,
  tierRulesChanges,
} from './policy-format';
import { billingPolicy, rateLimits, tierPolicy } from './tiers-fixtures';

describe('policy formats', () => {
  it('shows and reads multipliers and percentages exactly (basis points)', () => {
    expect(multiplierText(1000)).toBe('0.1');
    expect(multiplierText(15000)).toBe('1.5');
    expect(multiplierText(10000)).toBe('1');
    expect(parseMultiplier('0.1')).toBe(1000);
    expect(parseMultiplier('1.2345')).toBe(12345);
    expect(parseMultiplier('1.23456')).toBeNull();
    expect(parseMultiplier('-1')).toBeNull();
    expect(percentText(4000)).toBe('40');
    expect(percentText(1234)).toBe('12.34');
    expect(parsePercent('12.34')).toBe(1234);
    expect(parsePercent('0.07')).toBe(7);
    expect(parsePercent('1.001')).toBeNull();
  });

  it('shows micro-dollars as exact dollars, at least two decimals', () => {
    expect(dollarsText('2500000')).toBe('2.50');
    expect(dollarsText('1000')).toBe('0.001');
    expect(dollarsText('0')).toBe('0.00');
    expect(dollarsText('123456789')).toBe('123.456789');
  });

  it('reads a limit: empty is unlimited, a whole number, anything else is invalid', () => {
    expect(parseLimit('')).toBeNull();
    expect(parseLimit(' 30 ')).toBe(30);
    expect(parseLimit('0')).toBe(0);
    expect(parseLimit('1.5')).toBeUndefined();
    expect(parseLimit('-1')).toBeUndefined();
    expect(parseLimit('ten')).toBeUndefined();
  });

  it('describes what changed between two versions', () => {
    expect(rateLimitsChanges(rateLimits(1, 30).tiers, rateLimits(2, 7).tiers)).toEqual([
      'Starter requests/min: 30 → 7',
    ]);
    const wider = tierPolicy().tiers;
    const tiers = {
      ...wider,
      free: { powerLevels: ['eco', 'balanced'] as const, byok: { allowed: true, keysPerProvider: 2 } },
    };
    expect(
      tierRulesChanges(wider, {
        ...tiers,
        free: { ...tiers.free, powerLevels: [...tiers.free.powerLevels] },
      }),
    ).toEqual(['Free power levels: Eco → Eco, Balanced', 'Free BYOK: not allowed → allowed, 2 per provider']);
    const before = billingPolicy();
    const after = {
      ...before,
      signupCreditsMicros: '2500000',
      tierMarkupBps: { ...before.tierMarkupBps, starter: 1234 },
    };
    expect(billingChanges(before, after)).toEqual([
      'Starter markup: 40 % → 12.34 %',
      'Sign-up credits: $1.00 → $2.50',
    ]);
    expect(billingChanges(before, { ...before, creditPackages: [] })).toEqual(['Credit packages: none']);
  });
});
