import type {
  AssistantMessage,
  ChatCompletionRequest,
  ChatMessage,
  FunctionTool,
  TextContentPart,
  ToolChoice,
  UserContentPart,
} from '../openai-wire';
import { UpstreamError } from '../upstream-error';
import type {
  AnthropicContentBlockParam,
  AnthropicImageBlock,
  AnthropicMessageParam,
  AnthropicMessagesRequest,
  AnthropicTool,
  AnthropicToolChoice,
} from './anthropic-wire';

/**
 * What toAnthropicRequest reads: OpenAI's parameters it maps, plus the `top_k` extension. Everything
 * else a client sends is ignored (and reported as ignored by the gateway).
 */
export const ANTHROPIC_REQUEST_PARAMS: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'max_tokens',
  'max_completion_tokens',
  'n',
  'stop',
  'stream',
  'stream_options',
  'temperature',
  'top_p',
  'top_k',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'user',
]);

/** Anthropic requires `max_tokens`; used when the client sent neither max_tokens nor max_completion_tokens. */
export const DEFAULT_MAX_TOKENS = 4096;

export interface AnthropicRequestOptions {
  /** The target's upstream model. */
  readonly model: string;
  readonly stream: boolean;
  /** Only for the errors this translation throws. */
  readonly providerSlug: string;
}

/**
 * Translates an OpenAI Chat Completions request into an Anthropic Messages request.
 *
 * - system and developer messages (wherever they are) are joined with blank lines into `system`;
 * - assistant `tool_calls` become `tool_use` blocks (arguments parsed back into an object);
 * - `tool` messages become `tool_result` blocks of a user turn; consecutive turns of the same role
 *   are merged into one turn, so several tool results (and a user message after them) share one turn;
 * - images: `data:` URLs become base64 sources, http(s) URLs become url sources;
 * - tools → `{name, description, input_schema}`; tool_choice auto/required/named/none →
 *   auto/any/tool/none; `parallel_tool_calls: false` → `disable_parallel_tool_use`;
 * - stop → stop_sequences; max_completion_tokens ?? max_tokens ?? 4096 → max_tokens;
 *   temperature (Anthropic accepts 0..1 and answers 400 above), top_p, top_k, user → metadata.user_id.
 *
 * Not translated (Anthropic has no equivalent): n > 1 (rejected as bad_request), response_format,
 * seed, logprobs, logit_bias, presence/frequency penalties and other vendor extensions (dropped).
 */
export function toAnthropicRequest(
  request: ChatCompletionRequest,
  options: AnthropicRequestOptions,
): AnthropicMessagesRequest {
  const invalid = (message: string): UpstreamError =>
    new UpstreamError({ kind: 'bad_request', providerSlug: options.providerSlug, upstreamMessage: message });

  if (typeof request.n === 'number' && request.n > 1) {
    throw invalid('n > 1 is not supported by Anthropic (one choice per request)');
  }
  const system: string[] = [];
  const messages: AnthropicMessageParam[] = [];
  request.messages.forEach((message, index) => {
    if (message.role === 'system' || message.role === 'developer') {
      const text = plainText(message.content);
      if (text.length > 0) system.push(text);
      return;
    }
    appendTurn(messages, toTurn(message, index, invalid));
  });

  const out: AnthropicMessagesRequest = {
    model: options.model,
    messages,
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? DEFAULT_MAX_TOKENS,
  };
  if (system.length > 0) out.system = system.join('\n\n');
  const stop = stopSequences(request.stop);
  if (stop) out.stop_sequences = stop;
  if (typeof request.temperature === 'number') out.temperature = request.temperature;
  if (typeof request.top_p === 'number') out.top_p = request.top_p;
  if (typeof request['top_k'] === 'number') out.top_k = request['top_k'];
  if (request.tools && request.tools.length > 0) {
    out.tools = request.tools.map(toTool);
    const choice = toToolChoice(request.tool_choice, request.parallel_tool_calls);
    if (choice) out.tool_choice = choice;
  }
  if (typeof request.user === 'string' && request.user.length > 0) out.metadata = { user_id: request.user };
  if (options.stream) out.stream = true;
  return out;
}

type Invalid = (message: string) => UpstreamError;
type Turn = { role: 'user' | 'assistant'; blocks: AnthropicContentBlockParam[] };

function toTurn(
  message: Exclude<ChatMessage, { role: 'system' | 'developer' }>,
  index: number,
  invalid: Invalid,
): Turn {
  switch (message.role) {
    case 'user':
      return { role: 'user', blocks: userBlocks(message.content, index, invalid) };
    case 'assistant':
      return { role: 'assistant', blocks: assistantBlocks(message, index, invalid) };
    case 'tool':
      return {
        role: 'user',
        blocks: [
          { type: 'tool_result', tool_use_id: message.tool_call_id, content: plainText(message.content) },
        ],
      };
    default:
      throw invalid(`messages[${index}] has a role Anthropic does not know`);
  }
}

/** Adds a turn, merging it into the previous one when both have the same role (Anthropic alternates). */
function appendTurn(messages: AnthropicMessageParam[], turn: Turn): void {
  if (turn.blocks.length === 0) return;
  const last = messages.at(-1);
  if (last && last.role === turn.role && Array.isArray(last.content)) {
    last.content.push(...turn.blocks);
    return;
  }
  messages.push({ role: turn.role, content: turn.blocks });
}

function userBlocks(
  content: string | UserContentPart[],
  index: number,
  invalid: Invalid,
): AnthropicContentBlockParam[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((part, partIndex) => {
    if (part.type === 'text') return { type: 'text', text: part.text };
    if (part.type === 'image_url')
      return imageBlock(part.image_url.url, `messages[${index}].content[${partIndex}]`, invalid);
    throw invalid(`messages[${index}].content[${partIndex}] has a content type Anthropic does not accept`);
  });
}

function assistantBlocks(
  message: AssistantMessage,
  index: number,
  invalid: Invalid,
): AnthropicContentBlockParam[] {
  const blocks: AnthropicContentBlockParam[] = [];
  const text = message.content == null ? '' : plainText(message.content);
  // Anthropic rejects empty text blocks; an assistant turn that only called tools has none.
  if (text.length > 0) blocks.push({ type: 'text', text });
  for (const call of message.tool_calls ?? []) {
    blocks.push({
      type: 'tool_use',
      id: call.id,
      name: call.function.name,
      input: toolInput(call.function.arguments, index, invalid),
    });
  }
  return blocks;
}

function toolInput(argumentsText: string, index: number, invalid: Invalid): Record<string, unknown> {
  if (argumentsText.trim().length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(argumentsText);
  } catch {
    throw invalid(`messages[${index}].tool_calls has arguments that are not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`messages[${index}].tool_calls has arguments that are not a JSON object`);
  }
  return value as Record<string, unknown>;
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

function imageBlock(url: string, where: string, invalid: Invalid): AnthropicImageBlock {
  const data = DATA_URL.exec(url);
  if (data)
    return { type: 'image', source: { type: 'base64', media_type: data[1] ?? '', data: data[2] ?? '' } };
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw invalid(`${where} is neither a base64 data: URL nor an http(s) URL`);
}

function toTool(tool: FunctionTool): AnthropicTool {
  const out: AnthropicTool = {
    name: tool.function.name,
    input_schema: tool.function.parameters ?? { type: 'object', properties: {} },
  };
  if (tool.function.description) out.description = tool.function.description;
  return out;
}

function toToolChoice(
  choice: ToolChoice | undefined,
  parallel: boolean | undefined,
): AnthropicToolChoice | undefined {
  const single = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any', ...single };
  if (typeof choice === 'object' && choice !== null)
    return { type: 'tool', name: choice.function.name, ...single };
  if (choice === 'auto' || parallel === false) return { type: 'auto', ...single };
  return undefined;
}

function stopSequences(stop: string | string[] | null | undefined): string[] | undefined {
  if (typeof stop === 'string') return stop.length > 0 ? [stop] : undefined;
  if (Array.isArray(stop) && stop.length > 0) return [...stop];
  return undefined;
}

function plainText(content: string | TextContentPart[]): string {
  if (typeof content === 'string') return content;
  return content.map((part) => part.text).join('');
}
