/** A prompt's texts as the tokenizer sees them (for estimates: see promptTokenBound for bounds). */
export interface PromptText {
  readonly texts: readonly string[];
  readonly messages: number;
  /** Tokens not carried by the texts, e.g. images (see promptTextOf). */
  readonly fixedTokens?: number;
}

/**
 * What one image is estimated at in prompt tokens (Anthropic about 1,600 for the largest image it
 * takes, OpenAI 765–1,445 at high detail, Gemini 258), for usage estimates when an upstream reports
 * none (the bound is IMAGE_TOKENS_BOUND). The image's bytes (a base64 data URL is megabytes) are never
 * counted as text.
 */
export const IMAGE_TOKENS = 1_600;

/** The parts of a message that reach the model as prompt. */
export interface PromptMessage {
  readonly content?: unknown;
  readonly tool_calls?: unknown;
}

/**
 * The prompt as the model will see it: message texts, other parts and tool calls serialised as they
 * are sent, tool definitions, and a fixed token cost per image instead of its URL.
 */
export function promptTextOf(messages: readonly PromptMessage[], tools?: unknown): PromptText {
  const texts: string[] = [];
  let images = 0;
  for (const m of messages) {
    if (typeof m.content === 'string') texts.push(m.content);
    else if (Array.isArray(m.content)) {
      for (const part of m.content as unknown[]) {
        const p = part as { type?: unknown; text?: unknown };
        if (p.type === 'text' && typeof p.text === 'string') texts.push(p.text);
        else if (p.type === 'image_url') images++;
        else texts.push(JSON.stringify(part));
      }
    }
    if (m.tool_calls) texts.push(JSON.stringify(m.tool_calls));
  }
  if (tools) texts.push(JSON.stringify(tools));
  return { texts, messages: messages.length, fixedTokens: images * IMAGE_TOKENS };
}
