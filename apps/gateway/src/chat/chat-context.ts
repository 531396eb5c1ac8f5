import type { CatalogSnapshot } from '@gw/catalog';
import type { UpstreamProvider } from '@gw/providers';
import { ProviderLoadTracker, type ProviderHealthTracker, type RoutingPolicy } from '@gw/routing';
import { DEFAULT_BILLING_POLICY, type BillingPolicyState } from '@gw/usage-billing';

/** The in-memory state the hot path routes from. Replaced (never mutated) when it changes. */
export class ChatContext {
  /**
   * Requests and tokens sent on each provider's platform key in the last minute (this instance's),
   * against the policy's providerLimits: the ranking's rate-limit penalty.
   */
  readonly load = new ProviderLoadTracker();

  constructor(
    public catalog: CatalogSnapshot,
    public policy: RoutingPolicy,
    readonly health: ProviderHealthTracker,
    readonly upstreams: ReadonlyMap<string, UpstreamProvider>,
    /** How cost becomes charge (multipliers, markups, BYOK fee), with its version; fed from the log. */
    public billing: BillingPolicyState = { version: 0, policy: DEFAULT_BILLING_POLICY },
  ) {}
}
