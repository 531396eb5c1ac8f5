import type { EventStore } from '@gw/eventstore';
import { fold } from '@gw/shared-kernel';
import { toProviderStreamId } from '../domain/provider-health.events';
import { providerDecider } from '../domain/provider.decider';
import type { ProviderEvent } from '../domain/provider.events';

/** Whether the provider is registered now, from its own stream (the write side reads no read model). */
export async function providerExists(store: EventStore, slug: string): Promise<boolean> {
  const history = await store.readStream(toProviderStreamId(slug));
  return (
    fold(
      providerDecider,
      history.map((e) => e as unknown as ProviderEvent),
    ).status === 'registered'
  );
}
