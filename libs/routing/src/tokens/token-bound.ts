/**
 * An upper bound on a chat prompt's tokens that no prompt shape can defeat, for every tokenizer the
 * gateway routes to: byte-level BPE (OpenAI's o200k and cl100k, Llama 3, Mistral's Tekken, Claude,
 * DeepSeek, Qwen) and SentencePiece with byte fallback (Gemini, Gemma, Cohere) never make a token of
 * less than one UTF-8 byte, so a text's UTF-8 length bounds its tokens whatever its content. Nothing
 * is tokenized (a tokenizer would also be the wrong one for most vendors), nothing is sampled, and
 * the cost is one native byte count per string: cheaper than the o200k count it replaces.
 *
 * Used where a low count would cost money or let too much through: the budget hold, the
 * tokens-per-minute admission, the context-window filter and the long-context price threshold. What
 * the request is charged is still what the provider reports (or, when it reports nothing, the o200k
 * estimate, never above this bound).
 */

/**
 * Per message: the role, separators and end-of-turn marks of the chat template (OpenAI counts 3, plus
 * 1 for a name; Llama 3 about 5; Gemma 4), on top of the bytes of the role and name themselves.
 */
export const MESSAGE_OVERHEAD_TOKENS = 8;

/** Priming the reply, and a system preamble some templates add (OpenAI counts 3). */
export const PROMPT_OVERHEAD_TOKENS = 16;

/**
 * The most one image costs among the vendors routed to: OpenAI's patch-based models reach ~2,650
 * (1,536 patches × 1.72), tiled ones 1,445 at high detail; Anthropic ~1,600 (it downsizes larger
 * images); Gemini 3 1,120 at high media resolution, Gemini 2 258 per 768 px tile. A bound, so
 * that the base64 bytes of a data URL (megabytes) are never counted as text; a Gemini 2 image of more
 * than 23 tiles (over 3,500 × 3,500 px) would exceed it.
 */
export const IMAGE_TOKENS_BOUND = 6_000;

/**
 * Tools: the hidden system prompt vendors add when tools are offered (Anthropic 346–530 tokens,
 * OpenAI a few dozen), on top of the schemas' own bytes.
 */
export const TOOLS_OVERHEAD_TOKENS = 1_024;

/** The parts of a chat request that reach the model as prompt. */
export interface BoundedPrompt {
  readonly messages: ReadonlyArray<{
    readonly role?: unknown;
    readonly name?: unknown;
    readonly content?: unknown;
    readonly tool_calls?: unknown;
  }>;
  readonly tools?: unknown;
  readonly response_format?: unknown;
}

const bytesOf = (value: unknown): number =>
  typeof value === 'string'
    ? Buffer.byteLength(value, 'utf8')
    : value === undefined || value === null
      ? 0
      : Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');

/**
 * At least as many tokens as the prompt has on any model routed to (see above): every text counted
 * at one token per UTF-8 byte; other content parts (audio, files, anything new) by the bytes of their
 * JSON, which carries their data; images at IMAGE_TOKENS_BOUND each, whatever their URL; tool calls,
 * tool schemas and a structured-output schema by their JSON bytes; fixed overheads per message, per
 * prompt and for tools.
 */
export function promptTokenBound(prompt: BoundedPrompt): number {
  let tokens = PROMPT_OVERHEAD_TOKENS;
  for (const message of prompt.messages) {
    tokens += MESSAGE_OVERHEAD_TOKENS + bytesOf(message.role) + bytesOf(message.name);
    const content = message.content;
    if (typeof content === 'string') tokens += Buffer.byteLength(content, 'utf8');
    else if (Array.isArray(content)) {
      for (const part of content as unknown[]) {
        const p = part as { type?: unknown; text?: unknown } | null;
        if (p?.type === 'text' && typeof p.text === 'string') tokens += Buffer.byteLength(p.text, 'utf8');
        else if (p?.type === 'image_url') tokens += IMAGE_TOKENS_BOUND;
        else tokens += bytesOf(part);
      }
    } else tokens += bytesOf(content);
    tokens += bytesOf(message.tool_calls);
  }
  if (Array.isArray(prompt.tools) && prompt.tools.length > 0)
    tokens += TOOLS_OVERHEAD_TOKENS + bytesOf(prompt.tools);
  tokens += bytesOf(prompt.response_format);
  return tokens;
}
