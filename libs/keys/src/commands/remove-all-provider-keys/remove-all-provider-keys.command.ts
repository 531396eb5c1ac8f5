import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@gw/shared-kernel';
import type { KeyRemovalReason, ProviderKeyEvent } from '../../domain/provider-key.events';

export interface RemoveAllProviderKeysResult {
  /** Revision of `keys-<userId>` after the command (-1: the user never had a key event). */
  readonly version: bigint;
  /** One KeyRemoved per key that was still there; none when an earlier try removed them all. */
  readonly events: readonly ProviderKeyEvent[];
  /** Vault rows shredded now (0 when an earlier try got them). */
  readonly shredded: number;
}

/**
 * Removes every key a user still has (one KeyRemoved each, in one append), then shreds every vault
 * row of the user (`destroyOwner`, which also catches a row no event points at). Safe to repeat: a
 * retry after a failure part way records nothing new and shreds what is left.
 */
export class RemoveAllProviderKeysCommand extends Command<RemoveAllProviderKeysResult> {
  constructor(
    readonly data: { readonly userId: string; readonly reason: KeyRemovalReason },
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
