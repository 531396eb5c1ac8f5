import { Query } from '@nestjs/cqrs';

export interface ProviderHealthChange {
  readonly kind: 'degraded' | 'recovered';
  readonly reason: string;
  readonly at: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** A provider's health changes, newest first (at most `limit`). */
export class ListProviderHealthChangesQuery extends Query<ProviderHealthChange[]> {
  constructor(
    readonly provider: string,
    readonly limit = 100,
  ) {
    super();
  }
}
