import { UpstreamError } from '../upstream-error';
import {
  isCohereChatResponse,
  toChatCompletion,
  toCompletionUsage,
  toFinishReason,
} from './cohere-response-translation';
import type { CohereChatResponse } from './cohere-wire';

const context = { model: 'command-a', providerSlug: 'cohere' };
const response = (extra: Partial<CohereChatResponse> = {}): CohereChatResponse => ({
  id: 'r1',
  finish_reason: 'COMPLETE',
  message: { role: 'assistant', content: [{ type: 'text', text: 'hello' }] },
  ...extra,
});

describe('Cohere response translation', () => {
  it.each([
    ['COMPLETE', 'stop'],
    ['STOP_SEQUENCE', 'stop'],
    ['MAX_TOKENS', 'length'],
    ['TOOL_CALL', 'tool_calls'],
  ] as const)('maps finish_reason %s to %s', (reason, expected) => {
    expect(toFinishReason(reason, 'cohere')).toBe(expected);
  });

  it.each([
    ['ERROR', 'server'],
    ['TIMEOUT', 'timeout'],
  ] as const)('turns finish_reason %s into a %s UpstreamError', (reason, kind) => {
    let error: unknown;
    try {
      toFinishReason(reason, 'cohere', 'boom');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).kind).toBe(kind);
    expect((error as UpstreamError).upstreamMessage).toContain('boom');
  });

  it('takes usage from billed_units (what Cohere charges), else tokens, else none', () => {
    expect(
      toCompletionUsage({
        tokens: { input_tokens: 10, output_tokens: 3 },
        billed_units: { input_tokens: 1, output_tokens: 1 },
      }),
    ).toEqual({ prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 });
    expect(toCompletionUsage({ tokens: { input_tokens: 4, output_tokens: 2 } })).toEqual({
      prompt_tokens: 4,
      completion_tokens: 2,
      total_tokens: 6,
    });
    expect(toCompletionUsage(undefined)).toBeUndefined();
  });

  it('joins text parts, skips thinking parts and stamps the model and time', () => {
    const completion = toChatCompletion(
      response({
        message: {
          role: 'assistant',
          content: [
            { type: 'thinking', text: 'hmm' },
            { type: 'text', text: 'Hello, ' },
            { type: 'text', text: 'world' },
          ],
        },
        usage: { tokens: { input_tokens: 5, output_tokens: 2 } },
      }),
      context,
      1_700_000_000_500,
    );

    expect(completion).toEqual({
      id: 'r1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'command-a',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello, world' },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
    });
  });

  it('returns tool calls with content null and drops the tool plan', () => {
    const completion = toChatCompletion(
      response({
        finish_reason: 'TOOL_CALL',
        message: {
          role: 'assistant',
          tool_plan: 'I will call f',
          tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{"x":1}' } }],
        },
      }),
      context,
    );

    expect(completion.choices[0]?.message).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{"x":1}' } }],
    });
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion).not.toHaveProperty('usage');
  });

  it('recognises Cohere chat responses only', () => {
    expect(isCohereChatResponse(response())).toBe(true);
    expect(isCohereChatResponse({ choices: [] })).toBe(false);
    expect(isCohereChatResponse(null)).toBe(false);
  });
});
