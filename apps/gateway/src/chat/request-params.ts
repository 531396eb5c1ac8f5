import { PAID_PARAM_FIELDS, paidParamsOf, type CatalogProvider } from '@gw/catalog';
import type { ChatCompletionRequest } from '@gw/providers';

/** Body fields the gateway itself reads (Switchyard extensions): never forwarded, never "ignored". */
export const GATEWAY_PARAMS: ReadonlySet<string> = new Set(['power_level']);

/** Header size guard: at most this many names, then `+<how many more>`. */
const MAX_LISTED = 32;

type Allowances = Pick<CatalogProvider, 'allowedPaidParams'> | undefined;

/**
 * The body one provider gets: without the gateway's own fields and without any paid feature the
 * provider does not allow (routing keeps such requests away from it; this is the last line). The
 * wire format then keeps only the parameters it knows.
 */
export function bodyForProvider(
  body: Readonly<Record<string, unknown>>,
  provider: Allowances,
): Record<string, unknown> {
  const { power_level: _powerLevel, ...rest }: Record<string, unknown> = body;
  for (const use of paidParamsOf(rest)) {
    if (provider?.allowedPaidParams?.includes(use.feature)) continue;
    for (const field of PAID_PARAM_FIELDS[use.feature]) delete rest[field];
  }
  return rest;
}

/**
 * `x-switchyard-ignored-params` for the attempt that answered: the body's fields that provider never
 * received (unknown to its wire format, or a paid feature it does not allow), sorted and
 * comma-separated; undefined when there are none. One pass over the body's keys. Names are
 * percent-encoded so that any JSON key is a valid header value, and a long list ends with
 * `+<count>` of the names left out.
 */
export function ignoredParamsHeader(
  body: Readonly<Record<string, unknown>>,
  knownParams: ReadonlySet<string>,
  provider: Allowances,
): string | undefined {
  const sent = bodyForProvider(body, provider);
  const names: string[] = [];
  for (const key of Object.keys(body)) {
    if (!GATEWAY_PARAMS.has(key) && !(knownParams.has(key) && Object.hasOwn(sent, key))) names.push(key);
  }
  if (names.length === 0) return undefined;
  const listed = names.sort().map(encodeURIComponent);
  return listed.length <= MAX_LISTED
    ? listed.join(',')
    : `${listed.slice(0, MAX_LISTED).join(',')},+${listed.length - MAX_LISTED}`;
}

/** The request an upstream adapter gets for one attempt. */
export const upstreamRequest = (
  body: Readonly<Record<string, unknown>>,
  provider: Allowances,
  upstreamModel: string,
  stream: boolean,
): ChatCompletionRequest =>
  ({ ...bodyForProvider(body, provider), model: upstreamModel, stream }) as unknown as ChatCompletionRequest;
