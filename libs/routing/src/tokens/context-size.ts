import { estimateTokens } from './token-estimate';

/** Per message: role and separators, as OpenAI counts them for chat prompts. */
const TOKENS_PER_MESSAGE = 4;

/** Texts up to this long have their UTF-8 bytes counted; a longer one is bounded by 3 bytes a unit. */
const BYTE_COUNT_CHARS = 65_536;

export interface PromptText {
  readonly texts: readonly string[];
  readonly messages: number;
  /** Tokens not carried by the texts, e.g. images (see promptTextOf). */
  readonly fixedTokens?: number;
}

/**
 * Tokens a request needs from a model's context window: prompt + requested output.
 *
 * Byte-level BPE never makes a token of less than one UTF-8 byte, so the prompt's byte count is an
 * upper bound (for a long text, three times its length is one that costs nothing to compute). When
 * that bound already fits the smallest window of any model, nothing is tokenized (the common case,
 * and it keeps the hot path cheap). Otherwise the prompt is counted with o200k by estimateTokens:
 * exactly when it is short, from samples when it is long, so that no prompt, however large, blocks
 * the event loop for more than about a millisecond.
 */
export function contextTokensNeeded(
  prompt: PromptText,
  maxOutputTokens: number,
  smallestWindow: number,
): number {
  let bytes = 0;
  for (const text of prompt.texts)
    bytes += text.length <= BYTE_COUNT_CHARS ? Buffer.byteLength(text, 'utf8') : 3 * text.length;
  const overhead = TOKENS_PER_MESSAGE * prompt.messages + (prompt.fixedTokens ?? 0);
  if (bytes + overhead + maxOutputTokens <= smallestWindow) return bytes + overhead + maxOutputTokens;
  return estimateTokens(prompt.texts) + overhead + maxOutputTokens;
}
