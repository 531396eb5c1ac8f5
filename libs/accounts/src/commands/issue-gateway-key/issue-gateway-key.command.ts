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
    readonly data: {
      userId: string;
      name: string;
      /** Default: a new id. A fixed id makes the command idempotent (the same id and key: no event). */
      keyId?: string;
      /** A key the operator chose (BOOTSTRAP_ADMIN_KEY); default: a new random one. Only its hash is kept. */
      apiKey?: string;
    },
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
