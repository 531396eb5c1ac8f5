import { upstreamErrorThrownBy } from '../testing/upstream-test-helpers';
import type { ChatCompletionChunk } from '../openai-wire';
import { CohereStreamTranslator } from './cohere-stream-translation';

const KEY = 'co-secret-key-0123456789';
const translator = () => new CohereStreamTranslator('cohere', KEY, 'command-a', 1_700_000_000_000);
const run = (t: CohereStreamTranslator, events: object[]): ChatCompletionChunk[] =>
  events.flatMap((event) => t.translate(JSON.stringify(event)));
const textDelta = (text: string) => ({
  type: 'content-delta',
  index: 0,
  delta: { message: { content: { text } } },
});
const end = (finish_reason: string, extra: object = {}) => ({
  type: 'message-end',
  delta: { finish_reason, usage: { tokens: { input_tokens: 3, output_tokens: 2 } }, ...extra },
});

describe('CohereStreamTranslator', () => {
  it('turns a text stream into role, content, one finish and a usage chunk', () => {
    const t = translator();
    const chunks = run(t, [
      { type: 'message-start', id: 'msg-1', delta: { message: { role: 'assistant' } } },
      { type: 'content-start', index: 0, delta: { message: { content: { type: 'text', text: '' } } } },
      textDelta('Hel'),
      textDelta('lo'),
      { type: 'content-end', index: 0 },
      end('COMPLETE'),
    ]);

    expect(chunks.map((c) => c.choices[0]?.delta ?? null)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Hel' },
      { content: 'lo' },
      {},
      null,
    ]);
    expect(chunks.map((c) => c.choices[0]?.finish_reason ?? null)).toEqual([null, null, null, 'stop', null]);
    expect(chunks[4]).toEqual({
      id: 'msg-1',
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: 'command-a',
      choices: [],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    });
    expect(chunks.every((c) => c.id === 'msg-1')).toBe(true);
    expect(t.complete).toBe(true);
  });

  it('puts the role on the first chunk when message-start is missing', () => {
    const chunks = run(translator(), [textDelta('x'), textDelta('y')]);

    expect(chunks.map((c) => c.choices[0]?.delta)).toEqual([
      { role: 'assistant', content: 'x' },
      { content: 'y' },
    ]);
  });

  it('numbers tool calls in start order and routes argument fragments by Cohere index', () => {
    const start = (index: number, id: string, name: string) => ({
      type: 'tool-call-start',
      index,
      delta: { message: { tool_calls: { id, type: 'function', function: { name, arguments: '' } } } },
    });
    const args = (index: number, text: string) => ({
      type: 'tool-call-delta',
      index,
      delta: { message: { tool_calls: { function: { arguments: text } } } },
    });
    const chunks = run(translator(), [
      { type: 'message-start', id: 'm' },
      { type: 'tool-plan-delta', delta: { message: { tool_plan: 'plan' } } },
      start(3, 'a', 'fa'),
      args(3, '{"x"'),
      start(5, 'b', 'fb'),
      args(5, '{}'),
      args(3, ':1}'),
      end('TOOL_CALL'),
    ]);

    const toolDeltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(toolDeltas).toEqual([
      { index: 0, id: 'a', type: 'function', function: { name: 'fa', arguments: '' } },
      { index: 0, function: { arguments: '{"x"' } },
      { index: 1, id: 'b', type: 'function', function: { name: 'fb', arguments: '' } },
      { index: 1, function: { arguments: '{}' } },
      { index: 0, function: { arguments: ':1}' } },
    ]);
    expect(chunks.flatMap((c) => c.choices.map((choice) => choice.finish_reason)).filter(Boolean)).toEqual([
      'tool_calls',
    ]);
    expect(chunks.map((c) => c.choices[0]?.delta.content).filter((c) => c)).toEqual([]);
  });

  it('ignores thinking deltas, unknown events, [DONE] and anything after message-end', () => {
    const t = translator();
    const chunks = run(t, [
      { type: 'content-delta', delta: { message: { content: { type: 'thinking', text: 'hmm' } } } },
      { type: 'citation-start' },
      end('MAX_TOKENS'),
      textDelta('late'),
    ]);

    expect(t.translate('[DONE]')).toEqual([]);
    expect(chunks.map((c) => c.choices[0]?.finish_reason ?? 'usage')).toEqual(['length', 'usage']);
  });

  it('throws a server error for ERROR, with the key redacted', () => {
    const error = upstreamErrorThrownBy(() =>
      run(translator(), [end('ERROR', { error: `failed for Bearer ${KEY}` })]),
    );

    expect(error.kind).toBe('server');
    expect(error.upstreamMessage).toContain('failed for');
    expect(error.message).not.toContain(KEY);
  });

  it('throws a server error for data that is not JSON', () => {
    expect(upstreamErrorThrownBy(() => translator().translate('{oops')).kind).toBe('server');
  });

  it('is not complete without message-end', () => {
    const t = translator();
    run(t, [{ type: 'message-start' }, textDelta('x')]);

    expect(t.complete).toBe(false);
  });
});
