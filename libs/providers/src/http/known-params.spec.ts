import { anthropicWireFormat } from '../anthropic/anthropic.provider';
import { cohereWireFormat } from '../cohere/cohere.provider';
import { geminiWireFormat } from '../gemini/gemini.provider';
import { openAICompatibleWireFormat } from '../openai-compatible/openai-compatible.provider';
import { OPENAI_CHAT_PARAMS, withKnownParams, type ChatCompletionRequest } from '../openai-wire';
import type { UpstreamTarget } from '../upstream-provider.port';
import type { WireFormat } from './wire-format-provider';

const target: UpstreamTarget = {
  providerSlug: 'p',
  baseUrl: 'http://127.0.0.1:1/v1',
  upstreamModel: 'upstream-model',
  timeoutMs: 1_000,
};

/** Every documented OpenAI parameter with a valid value, plus vendor extensions and junk. */
const everything: ChatCompletionRequest = {
  model: 'auto',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
      ],
    },
    { role: 'tool', tool_call_id: 'c1', content: '{"temp":3}' },
  ],
  audio: { voice: 'alloy', format: 'mp3' },
  frequency_penalty: 0.5,
  function_call: 'auto',
  functions: [{ name: 'old_style' }],
  logit_bias: { '50256': -100 },
  logprobs: true,
  max_completion_tokens: 100,
  max_tokens: 100,
  metadata: { team: 'rail' },
  modalities: ['text', 'audio'],
  moderation: { model: 'omni-moderation-latest' },
  n: 1,
  parallel_tool_calls: false,
  prediction: { type: 'content', content: 'old text' },
  presence_penalty: 0.5,
  prompt_cache_key: 'k',
  prompt_cache_options: { ttl: '30m' },
  prompt_cache_retention: '24h',
  reasoning_effort: 'low',
  response_format: { type: 'json_object' },
  safety_identifier: 'u-1',
  seed: 7,
  service_tier: 'priority',
  stop: ['END'],
  store: true,
  stream_options: { include_usage: true },
  temperature: 0.5,
  tool_choice: 'auto',
  tools: [
    { type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: {} } } },
  ],
  top_logprobs: 2,
  top_p: 0.9,
  user: 'end-user',
  verbosity: 'low',
  web_search_options: { search_context_size: 'low' },
  // vendor extensions and junk
  top_k: 40,
  repetition_penalty: 1.1,
  k: 5,
  safety_mode: 'OFF',
  priority: 1,
  power_level: 'eco',
  junk: { deep: ['garbage'] },
};

const formats: Array<[string, WireFormat<unknown, unknown>]> = [
  ['openai-compatible', openAICompatibleWireFormat as WireFormat<unknown, unknown>],
  ['anthropic', anthropicWireFormat as WireFormat<unknown, unknown>],
  ['gemini', geminiWireFormat as WireFormat<unknown, unknown>],
  ['cohere', cohereWireFormat as WireFormat<unknown, unknown>],
];

describe.each(formats)('%s: only known parameters reach the upstream', (_name, format) => {
  it.each([false, true])('what it does not know changes nothing in the body (stream: %s)', (stream) => {
    const full = format.body(everything, target, stream);
    const knownOnly = format.body(withKnownParams(everything, format.knownParams), target, stream);
    expect(full).toEqual(knownOnly);
    expect(JSON.stringify(full)).not.toContain('garbage');
    expect(JSON.stringify(full)).not.toContain('repetition_penalty');
  });

  it('knows model, messages and streaming, and only names of OpenAI parameters or its own extensions', () => {
    for (const name of ['model', 'messages', 'stream', 'stream_options'])
      expect(format.knownParams.has(name)).toBe(true);
    expect(format.knownParams.has('power_level')).toBe(false);
    expect(format.knownParams.has('junk')).toBe(false);
  });
});

describe('openai-compatible body', () => {
  it('sends exactly the documented OpenAI parameters the client gave, with the upstream model', () => {
    const body = openAICompatibleWireFormat.body(everything, target, false) as Record<string, unknown>;
    const sent = Object.keys(body).filter((k) => body[k] !== undefined);
    expect(sent.every((k) => OPENAI_CHAT_PARAMS.has(k))).toBe(true);
    expect(sent).toEqual(expect.arrayContaining(['model', 'messages', 'service_tier', 'logit_bias']));
    expect(body['model']).toBe('upstream-model');
    expect(body['top_k']).toBeUndefined();
  });

  it('asks for usage on streams whatever the client asked', () => {
    const body = openAICompatibleWireFormat.body(
      { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream_options: { include_usage: false } },
      target,
      true,
    ) as Record<string, unknown>;
    expect(body['stream']).toBe(true);
    expect(body['stream_options']).toEqual({ include_usage: true });
  });
});

describe('withKnownParams', () => {
  it('never copies a __proto__ key onto the result', () => {
    const hostile = JSON.parse(
      '{"model":"m","messages":[],"__proto__":{"polluted":true}}',
    ) as ChatCompletionRequest;
    const out = withKnownParams(hostile, OPENAI_CHAT_PARAMS);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect((out as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
