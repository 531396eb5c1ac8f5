import { toChatCompletion, toFinishReason, toUsage } from './gemini-response-translation';

describe('toFinishReason', () => {
  it.each([
    ['STOP', false, 'stop'],
    ['STOP', true, 'tool_calls'],
    [undefined, false, 'stop'],
    ['MAX_TOKENS', true, 'length'],
    ['SAFETY', false, 'content_filter'],
    ['RECITATION', false, 'content_filter'],
    ['BLOCKLIST', false, 'content_filter'],
    ['PROHIBITED_CONTENT', false, 'content_filter'],
    ['SPII', false, 'content_filter'],
    ['IMAGE_SAFETY', false, 'content_filter'],
    ['OTHER', false, 'stop'],
    ['MALFORMED_FUNCTION_CALL', false, 'stop'],
  ] as const)('%s (called functions: %s) → %s', (reason, called, expected) => {
    expect(toFinishReason(reason, called)).toBe(expected);
  });
});

describe('toUsage', () => {
  it('adds thoughts to completion tokens and reports cached and reasoning tokens', () => {
    expect(
      toUsage({
        promptTokenCount: 10,
        candidatesTokenCount: 5,
        thoughtsTokenCount: 4,
        cachedContentTokenCount: 8,
        totalTokenCount: 19,
      }),
    ).toEqual({
      prompt_tokens: 10,
      completion_tokens: 9,
      total_tokens: 19,
      prompt_tokens_details: { cached_tokens: 8 },
      completion_tokens_details: { reasoning_tokens: 4 },
    });
  });

  it('sums the total when Gemini omits it and treats missing counts as 0', () => {
    expect(toUsage({ promptTokenCount: 3 })).toEqual({
      prompt_tokens: 3,
      completion_tokens: 0,
      total_tokens: 3,
      prompt_tokens_details: { cached_tokens: 0 },
    });
  });
});

describe('toChatCompletion', () => {
  const now = Date.UTC(2026, 0, 1);

  it('joins visible text, skips thoughts, turns function calls into tool_calls and orders choices', () => {
    const completion = toChatCompletion(
      {
        responseId: 'r1',
        candidates: [
          {
            index: 1,
            content: { role: 'model', parts: [{ text: 'second' }] },
            finishReason: 'MAX_TOKENS',
          },
          {
            index: 0,
            content: {
              role: 'model',
              parts: [
                { text: 'plan', thought: true },
                { text: 'Let me ' },
                { text: 'check.' },
                { functionCall: { name: 'a', args: { x: [1] } } },
                { functionCall: { name: 'b' } },
                { functionCall: { name: 'c', args: {}, id: 'gem-7' } },
              ],
            },
            finishReason: 'STOP',
          },
        ],
      },
      'gemini-x',
      now,
    );
    expect(completion.id).toBe('chatcmpl-r1');
    expect(completion.created).toBe(now / 1000);
    expect(completion.model).toBe('gemini-x');
    expect(completion.usage).toBeUndefined();
    expect(completion.choices).toEqual([
      {
        index: 0,
        message: {
          role: 'assistant',
          content: 'Let me check.',
          tool_calls: [
            { id: 'call_0', type: 'function', function: { name: 'a', arguments: '{"x":[1]}' } },
            { id: 'call_1', type: 'function', function: { name: 'b', arguments: '{}' } },
            { id: 'gem-7', type: 'function', function: { name: 'c', arguments: '{}' } },
          ],
        },
        finish_reason: 'tool_calls',
        logprobs: null,
      },
      {
        index: 1,
        message: { role: 'assistant', content: 'second' },
        finish_reason: 'length',
        logprobs: null,
      },
    ]);
  });

  it('answers a blocked prompt with one empty content_filter choice', () => {
    const completion = toChatCompletion(
      { promptFeedback: { blockReason: 'SAFETY' }, modelVersion: 'gemini-v' },
      'm',
      now,
    );
    expect(completion.model).toBe('gemini-v');
    expect(completion.choices).toEqual([
      {
        index: 0,
        message: { role: 'assistant', content: '' },
        finish_reason: 'content_filter',
        logprobs: null,
      },
    ]);
  });
});
