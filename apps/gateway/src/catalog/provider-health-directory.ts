import type { ProviderHealthDirectory } from '@gw/routing';
import type { ChatContext } from '../chat/chat-context';
import type { CatalogState } from '../runtime/catalog-state';

/**
 * The health queries' view of the catalog and of this instance's breakers: every registered
 * provider (names, enabled) from the in-memory catalog, the platform key's breaker from the tracker.
 */
export const providerHealthDirectory = (
  catalog: CatalogState,
  context: ChatContext,
): ProviderHealthDirectory => ({
  providers: () =>
    catalog.view.providers().map((p) => ({ slug: p.spec.slug, name: p.spec.name, enabled: p.enabled })),
  breakerState: (slug) => context.health.snapshot(slug).state,
});
