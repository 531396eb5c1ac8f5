import { countTokens } from 'gpt-tokenizer';

/** Per message: role and separators, as OpenAI counts them for chat prompts. */
const TOKENS_PER_MESSAGE = 4;

export interface PromptText {
  readonly texts: readonly string[];
  readonly messages: number;
}

/**
 * Tokens a request needs from a model's context window: prompt + requested output.
 *
 * Byte-level BPE never makes a token of less than one UTF-8 byte, so the prompt's byte count is an
 * upper bound. When that bound already fits the smallest window of any model, nothing is tokenized
 * (the common case, and it keeps the hot path cheap). Otherwise the prompt is counted with a real
 * tokenizer (o200k), so a long prompt is neither sent to a model it overflows nor kept from one it fits.
 */
export function contextTokensNeeded(
  prompt: PromptText,
  maxOutputTokens: number,
  smallestWindow: number,
): number {
  let bytes = 0;
  for (const text of prompt.texts) bytes += Buffer.byteLength(text, 'utf8');
  const overhead = TOKENS_PER_MESSAGE * prompt.messages;
  if (bytes + overhead + maxOutputTokens <= smallestWindow) return bytes + overhead + maxOutputTokens;
  let tokens = overhead;
  for (const text of prompt.texts) tokens += countTokens(text);
  return tokens + maxOutputTokens;
}
