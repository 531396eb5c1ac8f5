import type { CatalogSnapshot } from '@gw/catalog';
import type { UpstreamProvider } from '@gw/providers';
import type { ProviderHealthTracker, RoutingPolicy } from '@gw/routing';

/** The in-memory state the hot path routes from. Replaced (never mutated) when it changes. */
export class ChatContext {
  constructor(
    public catalog: CatalogSnapshot,
    public policy: RoutingPolicy,
    readonly health: ProviderHealthTracker,
    readonly upstreams: ReadonlyMap<string, UpstreamProvider>,
  ) {}
}
