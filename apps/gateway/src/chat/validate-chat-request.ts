import { ValidationError } from '@gw/shared-kernel';
import { validateDto } from '../http/validate-dto';
import { ChatCompletionDto } from './chat-completion.dto';

/** Validates a chat request body. Throws a ValidationError naming the parameter. */
export function validateChatRequest(body: unknown): ChatCompletionDto {
  const dto = validateDto(ChatCompletionDto, body);
  if (
    dto.max_tokens !== undefined &&
    dto.max_completion_tokens !== undefined &&
    dto.max_tokens !== dto.max_completion_tokens
  ) {
    throw new ValidationError(
      'REQUEST.INVALID_PARAMETER',
      'max_tokens and max_completion_tokens disagree; send one of them',
      {
        param: 'max_tokens',
      },
    );
  }
  return dto;
}
