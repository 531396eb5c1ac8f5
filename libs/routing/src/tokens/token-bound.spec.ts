import fc from 'fast-check';
import { countTokens } from 'gpt-tokenizer';
import { estimateTokens } from './token-estimate';
import {
  IMAGE_TOKENS_BOUND,
  MESSAGE_OVERHEAD_TOKENS,
  PROMPT_OVERHEAD_TOKENS,
  TOOLS_OVERHEAD_TOKENS,
  promptTokenBound,
} from './token-bound';

const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };
const o200k = (text: string): number => countTokens(text, PLAIN_TEXT);

/**
 * The review's shaped prompt: spaces where the old estimator sampled (16 windows of 512 characters,
 * evenly spaced) and dense text everywhere else, so the samples saw ~1 token per 512 characters.
 */
function shapedPrompt(chars: number): string {
  const stretch = chars / 16;
  let text = '';
  for (let k = 0; k < 16; k++) {
    const dense = Math.floor(stretch) - 512;
    text += ' '.repeat(512);
    // Digits and punctuation: o200k makes about one token of every 1–3 characters.
    for (let i = 0; i < dense; i++) text += String.fromCharCode(33 + ((i * 7919 + k) % 94));
  }
  return text;
}

describe('promptTokenBound', () => {
  it('is never below the o200k count of any text, however shaped (fast-check, full Unicode)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 400 }), { maxLength: 6 }), (texts) => {
        const bound = promptTokenBound({ messages: texts.map((content) => ({ role: 'user', content })) });
        const exact = texts.reduce((n, t) => n + o200k(t), 0);
        return bound >= exact + texts.length * 3;
      }),
      { numRuns: 300 },
    );
  });

  it('a prompt shaped against sampling is bounded where the old estimate was 10× too low', () => {
    const text = shapedPrompt(200_000);
    const exact = o200k(text);
    // The old estimator (still the one for usage estimates) is fooled by the shape:
    expect(estimateTokens([text])).toBeLessThan(exact / 10);
    // The bound is not: one token per byte.
    const bound = promptTokenBound({ messages: [{ role: 'user', content: text }] });
    expect(bound).toBeGreaterThanOrEqual(exact);
    expect(bound).toBe(PROMPT_OVERHEAD_TOKENS + MESSAGE_OVERHEAD_TOKENS + 4 + Buffer.byteLength(text));
  });

  it('counts multi-byte text by its UTF-8 bytes (the most any byte-level tokenizer makes of it)', () => {
    const cjk = '鉄道の操車場はとても大きい。'.repeat(500);
    const bound = promptTokenBound({ messages: [{ role: 'user', content: cjk }] });
    expect(bound - PROMPT_OVERHEAD_TOKENS - MESSAGE_OVERHEAD_TOKENS - 4).toBe(3 * cjk.length);
    expect(bound).toBeGreaterThan(o200k(cjk));
  });

  it('images at a fixed bound whatever their URL; other parts, tool calls, names, tools and schemas by their bytes', () => {
    const photo = `data:image/png;base64,${'A'.repeat(5_000_000)}`;
    const audio = { type: 'input_audio', input_audio: { data: 'UklGR'.repeat(100), format: 'wav' } };
    const toolCalls = [{ id: 'c', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }];
    const tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }];
    const responseFormat = { type: 'json_schema', json_schema: { name: 's', schema: { type: 'object' } } };
    const bound = promptTokenBound({
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          name: 'ada',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: photo } },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
            audio,
          ],
        },
        { role: 'assistant', content: null, tool_calls: toolCalls },
      ],
      tools,
      response_format: responseFormat,
    });
    const json = (v: unknown): number => Buffer.byteLength(JSON.stringify(v));
    expect(bound).toBe(
      PROMPT_OVERHEAD_TOKENS +
        3 * MESSAGE_OVERHEAD_TOKENS +
        'system'.length +
        'Be brief.'.length +
        'user'.length +
        'ada'.length +
        'What is this?'.length +
        2 * IMAGE_TOKENS_BOUND +
        json(audio) +
        'assistant'.length +
        json(toolCalls) +
        TOOLS_OVERHEAD_TOKENS +
        json(tools) +
        json(responseFormat),
    );
  });

  it('a 16 MiB prompt is bounded without tokenizing it: more tokens than any window has', () => {
    const huge = 'word '.repeat((16 * 1024 * 1024) / 5);
    expect(promptTokenBound({ messages: [{ role: 'user', content: huge }] })).toBeGreaterThan(huge.length);
  });
});
