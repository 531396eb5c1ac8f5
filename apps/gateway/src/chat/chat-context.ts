import type { CatalogSnapshot } from '@gw/catalog';
import type { UpstreamProvider } from '@gw/providers';
import type { ProviderHealthTracker, RoutingPolicy } from '@gw/routing';
import { DEFAULT_BILLING_POLICY, type BillingPolicyState } from '@gw/usage-billing';

/** The in-memory state the hot path routes from. Replaced (never mutated) when it changes. */
export class ChatContext {
  constructor(
    public catalog: CatalogSnapshot,
    public policy: RoutingPolicy,
    readonly health: ProviderHealthTracker,
    readonly upstreams: ReadonlyMap<string, UpstreamProvider>,
    /** How cost becomes charge (multipliers, markups, BYOK fee), with its version; fed from the log. */
    public billing: BillingPolicyState = { version: 0, policy: DEFAULT_BILLING_POLICY },
  ) {}
}
