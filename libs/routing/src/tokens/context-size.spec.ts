import { countTokens } from 'gpt-tokenizer';
import { contextTokensNeeded } from './context-size';

describe('contextTokensNeeded', () => {
  const long = 'The quick brown fox jumps over the lazy dog. '.repeat(400); // ~18 KB, ~4 K tokens

  it('uses the byte count (an upper bound) when it fits every window anyway', () => {
    expect(contextTokensNeeded({ texts: ['hello'], messages: 1 }, 100, 8_192)).toBe(5 + 4 + 100);
  });

  it('counts tokens when the upper bound would not fit the smallest window (exactly when short)', () => {
    const short = long.slice(0, 8_000);
    expect(contextTokensNeeded({ texts: [short], messages: 1 }, 5_000, 8_192)).toBe(
      countTokens(short) + 4 + 5_000,
    );
    const needed = contextTokensNeeded({ texts: [long], messages: 1 }, 500, 8_192);
    // Past 8 K characters the count is estimated from samples.
    expect(Math.abs(needed - (countTokens(long) + 4 + 500))).toBeLessThan(0.02 * needed);
    expect(needed).toBeLessThan(Buffer.byteLength(long));
    expect(needed).toBeLessThan(8_192); // fits, though its byte count (18 KB) does not
  });

  it('counts multi-byte text by tokens, not characters', () => {
    const cjk = '鉄道の操車場はとても大きい。'.repeat(500);
    const needed = contextTokensNeeded({ texts: [cjk], messages: 1 }, 0, 1_000);
    expect(needed).toBe(countTokens(cjk) + 4);
  });
});
