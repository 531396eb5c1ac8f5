import { countTokens } from 'gpt-tokenizer';
import { IMAGE_TOKENS, promptTextOf } from './prompt-text';
import { EXACT_TOKENIZE_CHARS, estimateTokens } from './token-estimate';

/** Deterministic prose-like text: words of varying length from a seeded generator. */
function prose(chars: number, seed = 1): string {
  const words = [
    'rail',
    'yard',
    'switch',
    'the',
    'of',
    'locomotive',
    'freight',
    'signal',
    'a',
    'car',
    'track',
  ];
  let state = seed;
  const parts: string[] = [];
  let length = 0;
  while (length < chars) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const word = words[state % words.length]!;
    const piece = state % 17 === 0 ? `${word}. ` : `${word} `;
    parts.push(piece);
    length += piece.length;
  }
  return parts.join('').slice(0, chars);
}

describe('estimateTokens', () => {
  it('counts short texts exactly, across several texts', () => {
    const texts = ['Hello there.', prose(3_000), '鉄道の操車場'];
    expect(estimateTokens(texts)).toBe(texts.reduce((n, t) => n + countTokens(t), 0));
    expect(estimateTokens([])).toBe(0);
    expect(estimateTokens(['', ''])).toBe(0);
  });

  it('counts a text that looks like special tokens as plain text instead of throwing', () => {
    expect(estimateTokens(['before <|endoftext|> after <|im_start|>'])).toBeGreaterThan(5);
    expect(estimateTokens([`<|endoftext|>${prose(EXACT_TOKENIZE_CHARS * 4)}`])).toBeGreaterThan(1_000);
  });

  it('estimates a long text from samples, within a few per cent of the exact count', () => {
    const text = prose(200_000, 7);
    const exact = countTokens(text);
    const estimate = estimateTokens([text]);
    expect(Math.abs(estimate - exact) / exact).toBeLessThan(0.05);
  });

  it('samples across many texts too', () => {
    const texts = Array.from({ length: 500 }, (_, i) => prose(300, i + 1));
    const exact = texts.reduce((n, t) => n + countTokens(t), 0);
    expect(Math.abs(estimateTokens(texts) - exact) / exact).toBeLessThan(0.05);
  });

  it('multi-byte text is estimated by tokens, not characters', () => {
    const cjk = '鉄道の操車場はとても大きい。貨車を行き先ごとに並べ替える。'.repeat(2_000);
    const exact = countTokens(cjk);
    expect(Math.abs(estimateTokens([cjk]) - exact) / exact).toBeLessThan(0.1);
  });

  // How long it takes (a few milliseconds: it samples EXACT_TOKENIZE_CHARS, never the whole text) is
  // measured by `npm run bench:routing`, not asserted here: a shared CI box makes any bound flaky.
  it('a 16 MiB prompt is estimated from samples, within sane bounds', () => {
    const huge = prose(16 * 1024 * 1024, 3);
    const estimate = estimateTokens([huge]);
    // English prose is 3–6 characters per token in o200k; this one is about 4.5.
    expect(estimate).toBeGreaterThan(huge.length / 8);
    expect(estimate).toBeLessThan(huge.length / 2);
    const exactOfAPiece = countTokens(huge.slice(0, 100_000));
    expect(
      Math.abs(estimate / huge.length - exactOfAPiece / 100_000) / (exactOfAPiece / 100_000),
    ).toBeLessThan(0.05);
  });

  it('never estimates more than three tokens per character', () => {
    const odd = '\u{1F600}\u0301'.repeat(50_000);
    expect(estimateTokens([odd])).toBeLessThanOrEqual(3 * odd.length);
  });
});

describe('promptTextOf', () => {
  it('keeps texts, counts images at a fixed cost whatever their URL, serialises the rest', () => {
    const photo = `data:image/png;base64,${'A'.repeat(5_000_000)}`;
    const prompt = promptTextOf(
      [
        { content: 'System text' },
        {
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: photo } },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
          ],
        },
        {
          content: null,
          tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
      ],
      [{ type: 'function', function: { name: 'f' } }],
    );
    expect(prompt.messages).toBe(3);
    expect(prompt.fixedTokens).toBe(2 * IMAGE_TOKENS);
    expect(prompt.texts.join('').length).toBeLessThan(1_000);
    expect(prompt.texts).toEqual(expect.arrayContaining(['System text', 'What is this?']));
  });
});
