import { upstreamErrorThrownBy } from '../testing/upstream-test-helpers';
import { GeminiStreamTranslator } from './gemini-stream-translation';

const KEY = 'AIzaSyStreamKey0123456789abcdefghijklmn';
const event = (value: unknown): string => JSON.stringify(value);

describe('GeminiStreamTranslator', () => {
  it('emits role first, text deltas, whole tool calls, one finish and a usage chunk at the end', () => {
    const translator = new GeminiStreamTranslator('g', KEY, 'fallback-model', Date.UTC(2026, 0, 1));
    const chunks = [
      ...translator.translate(
        event({
          responseId: 'r9',
          modelVersion: 'gemini-2.5-pro',
          candidates: [
            {
              content: { role: 'model', parts: [{ text: 'hmm', thought: true }, { text: 'Hel' }] },
              index: 0,
            },
          ],
          usageMetadata: { promptTokenCount: 4 },
        }),
      ),
      ...translator.translate(event({ candidates: [{ content: { parts: [{ text: 'lo' }] } }] })),
      ...translator.translate(
        event({
          candidates: [
            {
              content: {
                parts: [{ functionCall: { name: 'f', args: { a: 1 } } }, { functionCall: { name: 'g' } }],
              },
              finishReason: 'STOP',
            },
          ],
          usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 6, totalTokenCount: 10 },
        }),
      ),
    ];
    expect(translator.finished).toBe(true);
    chunks.push(...translator.end());

    expect(chunks.map((c) => c.choices[0]?.delta ?? null)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Hel' },
      { content: 'lo' },
      {
        tool_calls: [
          { index: 0, id: 'call_0', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
          { index: 1, id: 'call_1', type: 'function', function: { name: 'g', arguments: '{}' } },
        ],
      },
      {},
      null,
    ]);
    expect(chunks.map((c) => c.choices[0]?.finish_reason ?? null)).toEqual([
      null,
      null,
      null,
      null,
      'tool_calls',
      null,
    ]);
    expect(chunks[5]?.usage).toEqual({
      prompt_tokens: 4,
      completion_tokens: 6,
      total_tokens: 10,
      prompt_tokens_details: { cached_tokens: 0 },
    });
    expect(new Set(chunks.map((c) => `${c.id} ${c.model} ${c.created}`))).toEqual(
      new Set([`chatcmpl-r9 gemini-2.5-pro ${Date.UTC(2026, 0, 1) / 1000}`]),
    );
  });

  it('ignores a candidate after its finish and finishes unfinished choices at the end', () => {
    const translator = new GeminiStreamTranslator('g', KEY, 'm');
    const first = translator.translate(
      event({
        candidates: [
          { content: { parts: [{ text: 'a' }] }, finishReason: 'MAX_TOKENS', index: 0 },
          { content: { parts: [{ text: 'b' }] }, index: 1 },
        ],
      }),
    );
    const late = translator.translate(
      event({ candidates: [{ content: { parts: [{ text: 'late' }] }, index: 0 }] }),
    );
    const end = translator.end();

    expect(first.filter((c) => c.choices[0]?.finish_reason === 'length')).toHaveLength(1);
    expect(late).toEqual([]);
    expect(end.map((c) => [c.choices[0]?.index, c.choices[0]?.finish_reason])).toEqual([[1, 'stop']]);
  });

  it('turns a blocked prompt into a role chunk and a content_filter finish', () => {
    const translator = new GeminiStreamTranslator('g', KEY, 'm');
    const chunks = translator.translate(event({ promptFeedback: { blockReason: 'OTHER' } }));
    expect(chunks.map((c) => c.choices[0]?.finish_reason)).toEqual([null, 'content_filter']);
    expect(translator.finished).toBe(true);
  });

  it('is not finished until a finishReason arrives, and skips blank data', () => {
    const translator = new GeminiStreamTranslator('g', KEY, 'm');
    expect(translator.translate('  ')).toEqual([]);
    translator.translate(
      event({
        candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason: 'FINISH_REASON_UNSPECIFIED' }],
      }),
    );
    expect(translator.finished).toBe(false);
  });

  it('throws server errors for error events (redacting the key), non-JSON and non-responses', () => {
    const translator = new GeminiStreamTranslator('g', KEY, 'm');
    const error = upstreamErrorThrownBy(() =>
      translator.translate(
        event({ error: { code: 500, message: `overloaded for ${KEY}`, status: 'INTERNAL' } }),
      ),
    );
    expect(error.kind).toBe('server');
    expect(error.upstreamMessage).toBe('the upstream sent an error event: overloaded for [REDACTED]');
    expect(upstreamErrorThrownBy(() => translator.translate('{nope')).upstreamMessage).toContain('not JSON');
    expect(upstreamErrorThrownBy(() => translator.translate('[1]')).upstreamMessage).toContain(
      'not a GenerateContentResponse',
    );
  });
});
