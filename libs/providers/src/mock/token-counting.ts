import { countTokens, decode, encode } from 'gpt-tokenizer';
import type { ChatCompletionRequest, ChatMessage, TextContentPart, UserContentPart } from '../openai-wire';

/** Text that looks like a special token (`<|endoftext|>`) is counted as plain text, as OpenAI does. */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** OpenAI's chat accounting: 3 tokens per message, 3 to prime the reply, +1 for a name. */
export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_NAME = 1;
export const REPLY_PRIMING_TOKENS = 3;
/** What OpenAI charges for a low-detail image; the mock charges it for every image part. */
export const TOKENS_PER_IMAGE = 85;

/** Counting dominates the mock's own time; repeated texts (roles, system prompts, benchmarks) hit this. */
const memo = new Map<string, number>();
const MEMO_ENTRIES = 4_096;
const MEMO_MAX_CHARS = 4_096;

/** Tokens of a text in o200k_base (the GPT-4o / GPT-4.1 / o-series encoding). */
export function countTextTokens(text: string): number {
  if (text.length === 0) return 0;
  const known = memo.get(text);
  if (known !== undefined) return known;
  let count: number;
  try {
    count = countTokens(text);
  } catch {
    count = countTokens(text, PLAIN_TEXT);
  }
  if (text.length <= MEMO_MAX_CHARS) {
    if (memo.size >= MEMO_ENTRIES) memo.delete(memo.keys().next().value as string);
    memo.set(text, count);
  }
  return count;
}

/**
 * Prompt tokens the way OpenAI's cookbook counts them: per message 3 + tokens(role) + tokens(content)
 * (+ tokens(name) + 1), tool calls as tokens(name) + tokens(arguments), images at 85, plus 3 to prime
 * the reply. Tool definitions add the tokens of their JSON. Exact for plain text messages; an
 * approximation for tools and images, as every estimator outside OpenAI is.
 */
export function countPromptTokens(request: Pick<ChatCompletionRequest, 'messages' | 'tools'>): number {
  let total = REPLY_PRIMING_TOKENS;
  for (const message of request.messages) total += countMessageTokens(message);
  for (const tool of request.tools ?? []) total += countTextTokens(JSON.stringify(tool.function));
  return total;
}

function countMessageTokens(message: ChatMessage): number {
  let total = TOKENS_PER_MESSAGE + countTextTokens(message.role);
  const content = message.content;
  if (typeof content === 'string') {
    total += countTextTokens(content);
  } else if (Array.isArray(content)) {
    for (const part of content as ReadonlyArray<TextContentPart | UserContentPart>) {
      total += part.type === 'text' ? countTextTokens(part.text) : TOKENS_PER_IMAGE;
    }
  }
  if ('name' in message && message.name) total += countTextTokens(message.name) + TOKENS_PER_NAME;
  if (message.role === 'assistant') {
    for (const call of message.tool_calls ?? []) {
      total += countTextTokens(call.function.name) + countTextTokens(call.function.arguments);
    }
  }
  return total;
}

/** Cuts a text to its first `maxTokens` tokens; undefined when it already fits. */
export function truncateToTokens(text: string, maxTokens: number): string | undefined {
  let tokens: number[];
  try {
    tokens = encode(text);
  } catch {
    tokens = encode(text, PLAIN_TEXT);
  }
  if (tokens.length <= maxTokens) return undefined;
  return decode(tokens.slice(0, maxTokens)).replace(/\uFFFD+$/, '');
}
