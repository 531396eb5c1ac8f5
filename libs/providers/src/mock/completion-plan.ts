import type {
  ChatCompletionRequest,
  ChatMessage,
  CompletionUsage,
  FinishReason,
  FunctionDefinition,
  ToolCall,
} from '../openai-wire';
import { generateAnswer, keywordsOf, type AnswerContext } from './answer-text-generation';
import { namesOf, sampleFromSchema, type SampleHints } from './json-schema-sample';
import { hashText, SeededRandom } from './seeded-random';
import { countPromptTokens, countTextTokens, truncateToTokens } from './token-counting';
import { selectToolCalls } from './tool-call-selection';

/** One generated choice, before it is rendered as a completion or as stream chunks. */
export interface PlannedChoice {
  readonly index: number;
  /** Null when the choice calls tools. */
  readonly content: string | null;
  readonly toolCalls: readonly ToolCall[];
  readonly finishReason: FinishReason;
  readonly completionTokens: number;
}

/** Everything the mock answers to one request. */
export interface CompletionPlan {
  readonly id: string;
  readonly created: number;
  readonly model: string;
  readonly choices: readonly PlannedChoice[];
  readonly usage: CompletionUsage;
}

export interface PlanInputs {
  /** The server's seed: different mock providers answer the same prompt differently. */
  readonly serverSeed: number;
  /** Mixed into the content seed when temperature > 0 and the request sets no `seed`. */
  readonly variation: number;
  /** Source of ids (chatcmpl-…, call_…); not part of the content's determinism. */
  readonly ids: SeededRandom;
  readonly nowMs: number;
  /** Records the prompt's hash; true when it was served before (prompt-cache simulation). */
  readonly rememberPrompt?: (promptHash: number) => boolean;
}

/** OpenAI caches prompts of 1024+ tokens in steps of 128. */
const CACHE_MIN_TOKENS = 1024;
const CACHE_STEP_TOKENS = 128;

/**
 * Decides the answer: content is a function of (messages, server seed, request seed, temperature);
 * at temperature 0, or with a request `seed`, it is the same every time. Applies tools/tool_choice,
 * response_format, stop (cut before the earliest stop sequence, finish 'stop') and
 * max_completion_tokens/max_tokens (cut at that many tokens, finish 'length').
 */
export function planCompletion(request: ChatCompletionRequest, inputs: PlanInputs): CompletionPlan {
  const promptKey = JSON.stringify(request.messages);
  const temperature = request.temperature ?? 1;
  const varies = temperature > 0 && (request.seed === undefined || request.seed === null);
  const promptHash = hashText(promptKey, inputs.serverSeed);
  const contentSeed =
    promptHash ^
    hashText(String(request.seed ?? ''), 7) ^
    hashText(String(temperature), 11) ^
    (varies ? inputs.variation : 0);

  const question = lastUserText(request.messages);
  const answerContext: AnswerContext = { question, toolResult: trailingToolResult(request.messages) };
  const hints: SampleHints = { keywords: keywordsOf(question), names: namesOf(question) };
  const toolsToCall = selectToolCalls(request, question);
  const stops = stopSequences(request.stop);
  const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? undefined;

  const choices: PlannedChoice[] = [];
  const n = request.n ?? 1;
  for (let index = 0; index < n; index += 1) {
    const random = new SeededRandom(
      temperature > 0 ? (contentSeed + Math.imul(index, 0x9e3779b9)) >>> 0 : contentSeed,
    );
    if (toolsToCall.length > 0) {
      choices.push(toolChoice(index, toolsToCall, random, hints, inputs.ids, maxTokens));
      continue;
    }
    const text = answerText(request, answerContext, hints, random);
    choices.push(textChoice(index, text, stops, maxTokens));
  }

  const promptTokens = countPromptTokens(request);
  const completionTokens = choices.reduce((sum, choice) => sum + choice.completionTokens, 0);
  const cachedTokens =
    promptTokens >= CACHE_MIN_TOKENS && inputs.rememberPrompt?.(promptHash) === true
      ? Math.floor(promptTokens / CACHE_STEP_TOKENS) * CACHE_STEP_TOKENS
      : 0;
  return {
    id: `chatcmpl-${inputs.ids.base62(29)}`,
    created: Math.floor(inputs.nowMs / 1000),
    model: request.model,
    choices,
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: cachedTokens, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
  };
}

/** The text of a message's content (text parts joined with a newline). */
export function messageText(message: ChatMessage | undefined): string {
  const content = message?.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
}

function lastUserText(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    if (messages[i]?.role === 'user') return messageText(messages[i]);
  }
  return messageText(messages[messages.length - 1]);
}

function trailingToolResult(messages: readonly ChatMessage[]): string | undefined {
  const results: string[] = [];
  for (let i = messages.length - 1; i >= 0 && messages[i]?.role === 'tool'; i -= 1) {
    results.unshift(messageText(messages[i]));
  }
  return results.length > 0 ? results.join('; ') : undefined;
}

function answerText(
  request: ChatCompletionRequest,
  context: AnswerContext,
  hints: SampleHints,
  random: SeededRandom,
): string {
  const format = request.response_format;
  if (format?.type === 'json_schema') {
    return JSON.stringify(sampleFromSchema(format.json_schema.schema, random, hints));
  }
  const answer = generateAnswer(context, random);
  if (format?.type === 'json_object') {
    const confidence = Math.round((0.6 + random.next() * 0.39) * 100) / 100;
    return JSON.stringify({ answer, topics: hints.keywords, confidence });
  }
  return answer;
}

function textChoice(
  index: number,
  generated: string,
  stops: readonly string[],
  maxTokens: number | undefined,
): PlannedChoice {
  let text = generated;
  const stopAt = earliestStop(text, stops);
  if (stopAt !== -1) text = text.slice(0, stopAt);
  if (maxTokens !== undefined) {
    const truncated = truncateToTokens(text, maxTokens);
    if (truncated !== undefined) {
      return {
        index,
        content: truncated,
        toolCalls: [],
        finishReason: 'length',
        completionTokens: maxTokens,
      };
    }
  }
  return {
    index,
    content: text,
    toolCalls: [],
    finishReason: 'stop',
    completionTokens: countTextTokens(text),
  };
}

/**
 * Tool calls, cut at max_tokens as OpenAI cuts them: the calls that fit whole, then the one that does
 * not with its arguments truncated, finish_reason `length` (a provider never writes past the limit).
 */
function toolChoice(
  index: number,
  functions: readonly FunctionDefinition[],
  random: SeededRandom,
  hints: SampleHints,
  ids: SeededRandom,
  maxTokens: number | undefined,
): PlannedChoice {
  const toolCalls: ToolCall[] = [];
  let completionTokens = 0;
  for (const fn of functions) {
    const call: ToolCall = {
      id: `call_${ids.base62(24)}`,
      type: 'function',
      function: { name: fn.name, arguments: JSON.stringify(sampleFromSchema(fn.parameters, random, hints)) },
    };
    const tokens = countTextTokens(call.function.name) + countTextTokens(call.function.arguments);
    if (maxTokens !== undefined && completionTokens + tokens > maxTokens) {
      const left = maxTokens - completionTokens - countTextTokens(call.function.name);
      if (left > 0) {
        const args = truncateToTokens(call.function.arguments, left) ?? call.function.arguments;
        toolCalls.push({ ...call, function: { ...call.function, arguments: args } });
      }
      return { index, content: null, toolCalls, finishReason: 'length', completionTokens: maxTokens };
    }
    toolCalls.push(call);
    completionTokens += tokens;
  }
  return { index, content: null, toolCalls, finishReason: 'tool_calls', completionTokens };
}

function stopSequences(stop: ChatCompletionRequest['stop']): string[] {
  if (stop === undefined || stop === null) return [];
  return (typeof stop === 'string' ? [stop] : stop).filter((s) => s.length > 0);
}

function earliestStop(text: string, stops: readonly string[]): number {
  let earliest = -1;
  for (const stop of stops) {
    const at = text.indexOf(stop);
    if (at !== -1 && (earliest === -1 || at < earliest)) earliest = at;
  }
  return earliest;
}
