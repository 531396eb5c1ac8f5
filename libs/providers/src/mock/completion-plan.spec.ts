import { countTokens } from 'gpt-tokenizer';
import type { ChatCompletionRequest } from '../openai-wire';
import { planCompletion, type PlanInputs } from './completion-plan';
import { renderStreamChunks, renderStreamEvents } from './completion-rendering';
import { SeededRandom } from './seeded-random';

const inputs = (variation = 1): PlanInputs => ({
  serverSeed: 5,
  variation,
  ids: new SeededRandom(9),
  nowMs: 1_700_000_000_000,
});
const req = (extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  model: 'm',
  messages: [{ role: 'user', content: 'Explain load balancing strategies' }],
  temperature: 0,
  ...extra,
});

describe('planCompletion', () => {
  it('is a function of the prompt at temperature 0, whatever the variation', () => {
    expect(planCompletion(req(), inputs(1)).choices).toEqual(planCompletion(req(), inputs(2)).choices);
  });

  it('varies with the variation at temperature > 0 unless the request sets a seed', () => {
    const hot = req({ temperature: 1 });
    expect(planCompletion(hot, inputs(1)).choices[0]?.content).not.toBe(
      planCompletion(hot, inputs(2)).choices[0]?.content,
    );
    const seeded = req({ temperature: 1, seed: 3 });
    expect(planCompletion(seeded, inputs(1)).choices[0]?.content).toBe(
      planCompletion(seeded, inputs(2)).choices[0]?.content,
    );
  });

  it('differs between prompts and between servers', () => {
    const a = planCompletion(req(), inputs()).choices[0]?.content;
    expect(
      planCompletion(req({ messages: [{ role: 'user', content: 'Explain caching' }] }), inputs()).choices[0]
        ?.content,
    ).not.toBe(a);
    expect(planCompletion(req(), { ...inputs(), serverSeed: 6 }).choices[0]?.content).not.toBe(a);
  });

  it('applies the earliest stop sequence before max tokens', () => {
    const full = planCompletion(req(), inputs()).choices[0]?.content ?? '';
    const plan = planCompletion(req({ stop: ['.', ','], max_tokens: 1_000 }), inputs());
    const cut = Math.min(...['.', ','].map((s) => full.indexOf(s)).filter((i) => i >= 0));
    expect(plan.choices[0]).toMatchObject({ content: full.slice(0, cut), finishReason: 'stop' });
  });

  it('cuts at max_completion_tokens, which wins over max_tokens', () => {
    const plan = planCompletion(req({ max_tokens: 50, max_completion_tokens: 4 }), inputs());
    expect(plan.choices[0]?.finishReason).toBe('length');
    expect(plan.usage.completion_tokens).toBe(4);
    expect(countTokens(plan.choices[0]?.content ?? '')).toBe(4);
  });

  it('cuts tool calls at max_tokens too, as a provider does: finish length, never more tokens than asked', () => {
    const tools: ChatCompletionRequest['tools'] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string' }, notes: { type: 'string' }, days: { type: 'integer' } },
            required: ['city', 'notes', 'days'],
          },
        },
      },
    ];
    const whole = planCompletion(req({ tools, tool_choice: 'required' }), inputs());
    expect(whole.choices[0]?.finishReason).toBe('tool_calls');
    const limit = whole.usage.completion_tokens - 2;
    const cut = planCompletion(req({ tools, tool_choice: 'required', max_tokens: limit, n: 3 }), inputs());
    expect(cut.usage.completion_tokens).toBe(3 * limit);
    for (const choice of cut.choices) {
      expect(choice.finishReason).toBe('length');
      const call = choice.toolCalls[0]!;
      expect(countTokens(call.function.name) + countTokens(call.function.arguments)).toBeLessThanOrEqual(
        limit,
      );
    }
  });

  it('sums completion tokens over n choices and counts the prompt once', () => {
    const one = planCompletion(req(), inputs());
    const three = planCompletion(req({ n: 3 }), inputs());
    expect(three.usage.prompt_tokens).toBe(one.usage.prompt_tokens);
    expect(three.usage.completion_tokens).toBe(3 * one.usage.completion_tokens); // identical at temperature 0
  });

  it('reports cached tokens for a long prompt seen before, in steps of 128', () => {
    const long = req({ messages: [{ role: 'user', content: 'tokens '.repeat(1_500) }] });
    const seen = new Set<number>();
    const remember = (hash: number): boolean => seen.has(hash) || (seen.add(hash), false);
    expect(
      planCompletion(long, { ...inputs(), rememberPrompt: remember }).usage.prompt_tokens_details
        ?.cached_tokens,
    ).toBe(0);
    const again = planCompletion(long, { ...inputs(), rememberPrompt: remember }).usage;
    expect(again.prompt_tokens_details?.cached_tokens).toBe(Math.floor(again.prompt_tokens / 128) * 128);
  });
});

describe('renderStreamChunks', () => {
  it('reassembles to the planned content, with role first and one finish per choice', () => {
    const plan = planCompletion(req({ n: 2, temperature: 1 }), inputs());
    const chunks = renderStreamChunks(plan, true, new SeededRandom(1));
    for (const index of [0, 1]) {
      const deltas = chunks.flatMap((c) => c.choices).filter((c) => c.index === index);
      expect(deltas[0]?.delta.role).toBe('assistant');
      expect(deltas.map((d) => d.delta.content ?? '').join('')).toBe(plan.choices[index]?.content);
      expect(deltas.filter((d) => d.finish_reason !== null)).toHaveLength(1);
    }
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: plan.usage });
  });

  it.each([
    ['one choice with usage', req(), true],
    ['two choices without usage', req({ n: 2, temperature: 1 }), false],
    [
      'tool calls',
      req({
        messages: [{ role: 'user', content: 'weather in Paris' }],
        tools: [
          {
            type: 'function',
            function: {
              name: 'get_weather',
              parameters: { type: 'object', properties: { city: { type: 'string' } } },
            },
          },
        ],
      }),
      true,
    ],
  ])('frames SSE events exactly as the serialised chunks (%s)', (_name, request, includeUsage) => {
    const plan = planCompletion(request, inputs());
    const expected = renderStreamChunks(plan, includeUsage, new SeededRandom(4)).map(
      (c) => `data: ${JSON.stringify(c)}\n\n`,
    );
    expect(renderStreamEvents(plan, includeUsage, new SeededRandom(4))).toEqual([
      ...expected,
      'data: [DONE]\n\n',
    ]);
  });
});
