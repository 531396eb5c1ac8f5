import type {
  ChatCompletionRequest,
  ChatMessage,
  JsonSchema,
  TextContentPart,
  ToolChoice,
  UserContentPart,
} from '../openai-wire';
import { UpstreamError } from '../upstream-error';
import type {
  GeminiContent,
  GeminiGenerationConfig,
  GeminiPart,
  GeminiRequest,
  GeminiSchema,
  GeminiToolConfig,
} from './gemini-wire';

/**
 * What toGeminiRequest reads: OpenAI's parameters it maps, plus the `top_k` extension. Everything else
 * a client sends is ignored (and reported as ignored by the gateway).
 */
export const GEMINI_REQUEST_PARAMS: ReadonlySet<string> = new Set([
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
  'seed',
  'presence_penalty',
  'frequency_penalty',
  'response_format',
  'tools',
  'tool_choice',
]);

/**
 * Translates an OpenAI chat request into a Gemini `generateContent` body.
 *
 * - system/developer messages (wherever they are) → `systemInstruction`, in order
 * - user → role `user`; assistant → role `model`; consecutive turns of one role are merged
 * - assistant `tool_calls` → `functionCall` parts (arguments parsed; invalid JSON is a bad_request)
 * - tool messages → `functionResponse` parts in a `user` turn; the function name comes from the
 *   nearest earlier assistant tool call with that id; `response` is `{content: <parsed JSON or text>}`
 * - `image_url` with a `data:` URL → `inlineData`; http(s) image URLs and other part types are a
 *   bad_request (Gemini only takes inline bytes or its own File API URIs)
 * - tools → one `functionDeclarations` tool; schemas keep only keywords Gemini accepts
 * - tool_choice none/auto/required/named → NONE/AUTO/ANY/ANY + allowedFunctionNames
 * - stop → stopSequences; max_completion_tokens ?? max_tokens → maxOutputTokens; n → candidateCount;
 *   temperature, top_p, top_k (extension), seed, presence/frequency penalties pass through;
 *   response_format json_object → responseMimeType application/json; json_schema also responseSchema
 *
 * Not translated (dropped): logit_bias, logprobs, user, metadata, store, service_tier,
 * parallel_tool_calls, reasoning_effort and other vendor extensions.
 */
export function toGeminiRequest(request: ChatCompletionRequest, providerSlug: string): GeminiRequest {
  const bad = (message: string): UpstreamError =>
    new UpstreamError({ kind: 'bad_request', providerSlug, upstreamMessage: message });

  const system: Array<{ text: string }> = [];
  const contents: GeminiContent[] = [];
  const push = (role: 'user' | 'model', parts: GeminiPart[]): void => {
    if (parts.length === 0) return;
    const last = contents[contents.length - 1];
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  request.messages.forEach((message, position) => {
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = textOf(message.content);
        if (text.length > 0) system.push({ text });
        break;
      }
      case 'user':
        push('user', userParts(message.content, position, bad));
        break;
      case 'assistant': {
        const parts: GeminiPart[] = [];
        const text = message.content === null || message.content === undefined ? '' : textOf(message.content);
        if (text.length > 0) parts.push({ text });
        for (const call of message.tool_calls ?? []) {
          parts.push({
            functionCall: {
              name: call.function.name,
              args: parseArguments(call.function.arguments, position, bad),
            },
          });
        }
        push('model', parts);
        break;
      }
      case 'tool': {
        const name = toolNameFor(request.messages, position, message.tool_call_id);
        if (name === undefined) {
          throw bad(
            `messages[${position}]: tool_call_id ${JSON.stringify(message.tool_call_id)} answers no earlier assistant tool call`,
          );
        }
        push('user', [
          { functionResponse: { name, response: { content: toolResult(textOf(message.content)) } } },
        ]);
        break;
      }
      default:
        throw bad(
          `messages[${position}]: unsupported role ${JSON.stringify((message as { role: unknown }).role)}`,
        );
    }
  });

  if (contents.length === 0) throw bad('the request has no user or assistant messages');

  const body: GeminiRequest = { contents };
  if (system.length > 0) body.systemInstruction = { parts: system };
  if (request.tools && request.tools.length > 0) {
    body.tools = [
      {
        functionDeclarations: request.tools.map((tool) => {
          const declaration: { name: string; description?: string; parameters?: GeminiSchema } = {
            name: tool.function.name,
          };
          if (tool.function.description) declaration.description = tool.function.description;
          if (tool.function.parameters && hasProperties(tool.function.parameters)) {
            declaration.parameters = toGeminiSchema(tool.function.parameters);
          }
          return declaration;
        }),
      },
    ];
    const toolConfig = toToolConfig(request.tool_choice);
    if (toolConfig) body.toolConfig = toolConfig;
  }
  const generationConfig = toGenerationConfig(request);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  return body;
}

function textOf(content: string | TextContentPart[] | UserContentPart[]): string {
  if (typeof content === 'string') return content;
  const texts: string[] = [];
  for (const part of content as ReadonlyArray<TextContentPart | UserContentPart>) {
    if (part.type === 'text') texts.push(part.text);
  }
  return texts.join('\n');
}

function userParts(
  content: string | UserContentPart[],
  position: number,
  bad: (message: string) => UpstreamError,
): GeminiPart[] {
  if (typeof content === 'string') return content.length > 0 ? [{ text: content }] : [];
  return content.map((part, index): GeminiPart => {
    if (part.type === 'text') return { text: part.text };
    if (part.type === 'image_url') {
      const match = /^data:([^;,]+);base64,(.*)$/s.exec(part.image_url.url);
      if (!match) {
        throw bad(
          `messages[${position}].content[${index}]: Gemini accepts images only as base64 data: URLs, not remote URLs`,
        );
      }
      return { inlineData: { mimeType: match[1] as string, data: match[2] as string } };
    }
    throw bad(
      `messages[${position}].content[${index}]: unsupported content part type ${JSON.stringify((part as { type: unknown }).type)}`,
    );
  });
}

function parseArguments(
  text: string,
  position: number,
  bad: (message: string) => UpstreamError,
): Record<string, unknown> {
  if (text.trim().length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad(`messages[${position}]: tool call arguments are not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw bad(`messages[${position}]: tool call arguments must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** The name of the function that `toolCallId` called, from the nearest earlier assistant message. */
function toolNameFor(messages: ChatMessage[], before: number, toolCallId: string): string | undefined {
  for (let i = before - 1; i >= 0; i -= 1) {
    const message = messages[i];
    if (message?.role !== 'assistant') continue;
    const call = message.tool_calls?.find((candidate) => candidate.id === toolCallId);
    if (call) return call.function.name;
  }
  return undefined;
}

/** A tool result as Gemini's `response.content`: parsed when it is JSON, else the text. */
function toolResult(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function hasProperties(schema: JsonSchema): boolean {
  return !(schema.type === 'object' && (!schema.properties || Object.keys(schema.properties).length === 0));
}

const KEPT_KEYWORDS = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'properties',
  'required',
  'items',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'minProperties',
  'maxProperties',
  'anyOf',
  'propertyOrdering',
]);

const KEPT_FORMATS = new Set(['enum', 'date-time', 'int32', 'int64', 'float', 'double']);

/**
 * A JSON schema reduced to what Gemini's function declarations accept: keywords outside its
 * OpenAPI subset (`additionalProperties`, `$schema`, `$ref`, `$defs`, `default`, `strict`, …) are
 * dropped, `const` becomes a one-value `enum`, `type: [T, 'null']` becomes `type: T, nullable: true`,
 * non-string enums and formats other than enum/date-time/int32/int64/float/double are dropped.
 */
export function toGeminiSchema(schema: JsonSchema): GeminiSchema {
  const out: GeminiSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (value === undefined) continue;
    if (key === 'const') {
      if (typeof value === 'string') out['enum'] = [value];
      continue;
    }
    if (!KEPT_KEYWORDS.has(key)) continue;
    switch (key) {
      case 'type':
        if (Array.isArray(value)) {
          const types = value.filter((type) => type !== 'null');
          if (types.length < value.length) out['nullable'] = true;
          if (types[0] !== undefined) out['type'] = types[0];
        } else {
          out['type'] = value;
        }
        break;
      case 'properties':
        out['properties'] = Object.fromEntries(
          Object.entries(value as Record<string, JsonSchema>).map(([name, child]) => [
            name,
            toGeminiSchema(child),
          ]),
        );
        break;
      case 'items':
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
          out['items'] = toGeminiSchema(value as JsonSchema);
        }
        break;
      case 'anyOf':
        out['anyOf'] = (value as JsonSchema[]).map((child) => toGeminiSchema(child));
        break;
      case 'enum':
        if (Array.isArray(value) && value.every((item) => typeof item === 'string')) out['enum'] = value;
        break;
      case 'format':
        if (typeof value === 'string' && KEPT_FORMATS.has(value)) out['format'] = value;
        break;
      default:
        out[key] = value;
    }
  }
  return out;
}

function toToolConfig(choice: ToolChoice | undefined): GeminiToolConfig | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } };
}

function toGenerationConfig(request: ChatCompletionRequest): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  if (typeof request.temperature === 'number') config.temperature = request.temperature;
  if (typeof request.top_p === 'number') config.topP = request.top_p;
  if (typeof request['top_k'] === 'number') config.topK = request['top_k'];
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (typeof maxTokens === 'number') config.maxOutputTokens = maxTokens;
  if (typeof request.stop === 'string') config.stopSequences = [request.stop];
  else if (Array.isArray(request.stop) && request.stop.length > 0) config.stopSequences = [...request.stop];
  if (typeof request.n === 'number' && request.n !== 1) config.candidateCount = request.n;
  if (typeof request.presence_penalty === 'number') config.presencePenalty = request.presence_penalty;
  if (typeof request.frequency_penalty === 'number') config.frequencyPenalty = request.frequency_penalty;
  if (typeof request.seed === 'number') config.seed = request.seed;
  const format = request.response_format;
  if (format?.type === 'json_object') config.responseMimeType = 'application/json';
  if (format?.type === 'json_schema') {
    config.responseMimeType = 'application/json';
    if (format.json_schema.schema) config.responseSchema = toGeminiSchema(format.json_schema.schema);
  }
  return config;
}
