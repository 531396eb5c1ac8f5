import { refusedPaidParam, type CatalogProvider, type PaidParamUse } from '@gw/catalog';
import { ValidationError } from '@gw/shared-kernel';

/**
 * Routing's rule for charge-changing parameters: a request that asks for a paid feature the catalog
 * does not price (see PAID_PARAMS) goes only to providers whose admin allowed that feature. Returns
 * `candidates` themselves when the request asks for none (the common case costs nothing), else those
 * whose provider allows every feature asked for. None left is a 400 naming the field: the request
 * would otherwise be billed by a provider beyond what the gateway charges.
 */
export function candidatesAllowingPaidParams<T extends { readonly provider: string }>(
  candidates: readonly T[],
  providers: ReadonlyMap<string, Pick<CatalogProvider, 'allowedPaidParams'>>,
  uses: readonly PaidParamUse[],
): readonly T[] {
  if (uses.length === 0) return candidates;
  const allowed = candidates.filter(
    (c) => refusedPaidParam(uses, providers.get(c.provider)?.allowedPaidParams) === undefined,
  );
  if (allowed.length > 0) return allowed;
  const refused =
    candidates
      .map((c) => refusedPaidParam(uses, providers.get(c.provider)?.allowedPaidParams))
      .find((use) => use !== undefined) ?? uses[0]!;
  throw new ValidationError(
    'REQUEST.UNSUPPORTED_PARAMETER',
    `\`${refused.param}\` changes what the provider charges beyond the catalog price, and no provider that could serve this request allows it. Remove it, or ask an administrator to allow "${refused.feature}" on a provider.`,
    { param: refused.param },
  );
}
