import { checkAnthropicRequest } from './anthropic-request-checks';

const KEY = 'k';
const headers = { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' };
const valid = {
  model: 'm',
  max_tokens: 10,
  messages: [
    { role: 'user', content: 'q' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 't1', content: 'r' },
        { type: 'text', text: 'more' },
      ],
    },
  ],
};

/** The fake must reject what Anthropic rejects, or translation bugs would pass the int tests. */
describe('checkAnthropicRequest', () => {
  it('accepts a valid request', () => {
    expect(checkAnthropicRequest('/v1/messages', headers, valid, KEY)).toBeUndefined();
  });

  it.each([
    ['wrong key', { ...headers, 'x-api-key': 'other' }, valid, 401],
    ['no anthropic-version', { 'x-api-key': KEY }, valid, 400],
    ['a Bearer header', { ...headers, authorization: 'Bearer k' }, valid, 400],
    ['no max_tokens', headers, { ...valid, max_tokens: undefined }, 400],
    ['an OpenAI-only field', headers, { ...valid, n: 1 }, 400],
    [
      'a system role message',
      headers,
      { ...valid, messages: [{ role: 'system', content: 's' }, ...valid.messages] },
      400,
    ],
    [
      'tool_result after text',
      headers,
      {
        ...valid,
        messages: [
          ...valid.messages.slice(0, 2),
          {
            role: 'user',
            content: [
              { type: 'text', text: 'x' },
              { type: 'tool_result', tool_use_id: 't1', content: 'r' },
            ],
          },
        ],
      },
      400,
    ],
    [
      'tool results split over two user turns',
      headers,
      { ...valid, messages: [...valid.messages.slice(0, 2), { role: 'user', content: 'no result' }] },
      400,
    ],
    [
      'an empty text block',
      headers,
      { ...valid, messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] },
      400,
    ],
  ])('rejects %s', (_name, requestHeaders, body, status) => {
    expect(checkAnthropicRequest('/v1/messages', requestHeaders, body, KEY)?.status).toBe(status);
  });

  it('answers 404 for other paths', () => {
    expect(checkAnthropicRequest('/v1/chat/completions', headers, valid, KEY)?.status).toBe(404);
  });
});
