import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@gw/shared-kernel';

/** Result: the raw key, shown to the caller exactly once. */
export interface IssuedGatewayKey {
  readonly keyId: string;
  readonly apiKey: string;
  readonly maskedKey: string;
  readonly version: bigint;
}

export class IssueGatewayKeyCommand extends Command<IssuedGatewayKey> {
  constructor(
    readonly data: { userId: string; name: string },
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
