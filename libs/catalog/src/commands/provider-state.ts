import type { EventStore } from '@gw/eventstore';
import { fold } from '@gw/shared-kernel';
import { toProviderStreamId } from '../domain/provider-health.events';
import { providerDecider, type ProviderState } from '../domain/provider.decider';
import type { ProviderEvent } from '../domain/provider.events';

/**
 * A provider's state from its own stream (the write side reads no read model), as it is now or as it
 * was at `upToRevision`.
 */
export async function loadProviderState(
  store: EventStore,
  slug: string,
  upToRevision?: bigint,
): Promise<ProviderState> {
  const history = await store.readStream(toProviderStreamId(slug));
  return fold(
    providerDecider,
    history
      .filter((e) => upToRevision === undefined || e.revision <= upToRevision)
      .map((e) => e as unknown as ProviderEvent),
  );
}
