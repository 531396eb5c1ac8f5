import { serveAsOpenAI } from '../testing/openai-facade';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { AnthropicProvider } from './anthropic.provider';
import type { AnthropicMessage } from './anthropic-wire';
import { startFakeAnthropicServer, type FakeAnthropicServer } from './testing/fake-anthropic-server';

const API_KEY = 'sk-ant-api03-client-test-key-000';

const message = (extra: Partial<AnthropicMessage>): AnthropicMessage => ({
  id: 'msg_client',
  type: 'message',
  role: 'assistant',
  model: 'claude-upstream',
  content: [{ type: 'text', text: 'Bonjour from Anthropic.' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 30, output_tokens: 5, cache_read_input_tokens: 1024 },
  ...extra,
});

const TOOL_MESSAGE = message({
  stop_reason: 'tool_use',
  content: [
    { type: 'text', text: 'Checking.' },
    { type: 'tool_use', id: 'toolu_c1', name: 'get_weather', input: { city: 'Lyon', days: 3 } },
  ],
});

const tools: OpenAI.Chat.ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } } },
    },
  },
];

describe('the official openai client consumes what AnthropicProvider produces', () => {
  let fake: FakeAnthropicServer;
  let provider: AnthropicProvider;
  let facade: Server;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeAnthropicServer({ apiKey: API_KEY });
    provider = new AnthropicProvider();
    facade = await serveAsOpenAI(provider, {
      providerSlug: 'anthropic',
      baseUrl: `${fake.url}/v1`,
      apiKey: API_KEY,
      upstreamModel: 'claude-upstream',
      timeoutMs: 5_000,
    });
    const { port } = facade.address() as AddressInfo;
    client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'gateway-key', maxRetries: 0 });
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => facade.close(() => resolve()));
    await provider.close();
    await fake.close();
  });

  it('parses a completion with text and cached-token usage', async () => {
    fake.enqueue({ kind: 'message', message: message({}) });
    const completion = await client.chat.completions.create({
      model: 'alias',
      messages: [{ role: 'user', content: 'Say hi in French' }],
    });

    expect(completion.choices[0]?.message.content).toBe('Bonjour from Anthropic.');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.prompt_tokens).toBe(1054);
    expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(1024);
  });

  it('parses a completion with tool calls', async () => {
    fake.enqueue({ kind: 'message', message: TOOL_MESSAGE });
    const completion = await client.chat.completions.create({
      model: 'alias',
      messages: [{ role: 'user', content: 'Weather in Lyon?' }],
      tools,
    });

    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    expect(call?.type === 'function' ? JSON.parse(call.function.arguments) : undefined).toEqual({
      city: 'Lyon',
      days: 3,
    });
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('iterates a stream of chunks and sees the usage chunk', async () => {
    fake.enqueue({ kind: 'message', message: message({}) });
    const stream = await client.chat.completions.create({
      model: 'alias',
      messages: [{ role: 'user', content: 'Say hi in French' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finishes = 0;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.choices[0]?.finish_reason) finishes += 1;
      if (chunk.usage) usage = chunk.usage;
    }

    expect(text).toBe('Bonjour from Anthropic.');
    expect(finishes).toBe(1);
    expect(usage?.total_tokens).toBe(1059);
  });

  it('lets the SDK stream helper reassemble text and tool calls into a final completion', async () => {
    fake.enqueue({ kind: 'message', message: TOOL_MESSAGE });
    const runner = client.chat.completions.stream({
      model: 'alias',
      messages: [{ role: 'user', content: 'Weather in Lyon?' }],
      tools,
    });
    const final = await runner.finalChatCompletion();

    const choice = final.choices[0];
    expect(choice?.message.content).toBe('Checking.');
    expect(choice?.finish_reason).toBe('tool_calls');
    const call = choice?.message.tool_calls?.[0];
    expect(call?.id).toBe('toolu_c1');
    expect(call?.type === 'function' ? call.function.name : undefined).toBe('get_weather');
    expect(call?.type === 'function' ? JSON.parse(call.function.arguments) : undefined).toEqual({
      city: 'Lyon',
      days: 3,
    });
  });
});
