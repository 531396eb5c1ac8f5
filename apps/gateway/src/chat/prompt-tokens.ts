import { estimateTokens, promptTextOf } from '@gw/routing';
import type { ChatCompletionDto } from './chat-completion.dto';

/**
 * The prompt's tokens by the gateway's tokenizer (o200k; images at a fixed cost; 3 per message for
 * the chat format), bounded in time however long the prompt. Counted once per request: the rate-limit
 * step and the budget step share it.
 */
export function promptTokenEstimate(dto: Pick<ChatCompletionDto, 'messages' | 'tools'>): number {
  const prompt = promptTextOf(dto.messages, dto.tools);
  return estimateTokens(prompt.texts) + (prompt.fixedTokens ?? 0) + 3 * dto.messages.length;
}
