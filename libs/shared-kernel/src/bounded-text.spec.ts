import { boundedText, TRUNCATION_MARKER, UPSTREAM_TEXT_BOUNDS } from './bounded-text';

describe('boundedText', () => {
  it('given a string within the bound, when bounded, then it is kept as it is', () => {
    expect(boundedText('stop', 64)).toBe('stop');
    expect(boundedText('x'.repeat(64), 64)).toBe('x'.repeat(64));
    expect(boundedText('', 64)).toBe('');
  });

  it('given a longer string, when bounded, then it is cut to the bound with the marker', () => {
    const out = boundedText('a'.repeat(1_200_000), UPSTREAM_TEXT_BOUNDS.finishReason)!;
    expect(out).toHaveLength(UPSTREAM_TEXT_BOUNDS.finishReason);
    expect(out.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(out.startsWith('a'.repeat(63))).toBe(true);
  });

  it('given a surrogate pair across the cut, when bounded, then the pair is left out whole', () => {
    // 'ab' then an emoji (2 code units) at positions 2-3: a cut after 3 units would split it.
    const out = boundedText(`ab😀${'z'.repeat(10)}`, 4)!;
    expect(out).toBe(`ab${TRUNCATION_MARKER}`);
    expect(out.length).toBeLessThanOrEqual(4);
    expect(() => encodeURIComponent(out)).not.toThrow(); // no lone surrogate
    expect(boundedText(`abc😀${'z'.repeat(10)}`, 6)).toBe(`abc😀${TRUNCATION_MARKER}`);
  });

  it.each([[null], [undefined], [42], [{ reason: 'stop' }], [['stop']], [true]])(
    'given %j (not a string), when bounded, then there is no text',
    (value) => {
      expect(boundedText(value, 64)).toBeUndefined();
    },
  );

  it('given a bound smaller than the marker, when bounded, then nothing longer than the bound comes out', () => {
    expect(boundedText('abcdef', 1)).toHaveLength(1);
    expect(boundedText('abcdef', 0)).toBe('');
  });
});
