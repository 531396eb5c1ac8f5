import { Query } from '@nestjs/cqrs';
import type { Role } from '@gw/shared-kernel';
import type { RequestExplanationRow } from '../../projections/request-explanations/request-explanation.row';

export type RequestExplanation = Omit<RequestExplanationRow, 'lastPosition'>;

/** A caller sees their own requests; an admin sees any. */
export class GetRequestExplanationQuery extends Query<RequestExplanation> {
  constructor(
    readonly requestId: string,
    readonly viewer: { readonly userId: string; readonly roles: readonly Role[] },
  ) {
    super();
  }
}
