import { InMemoryEventStore } from '@gw/eventstore';
import type { DeadLetterReason } from '@gw/messaging';
import { createLogger } from '@gw/platform';
import { createProjectorRegistry } from './projector-metrics';

const logger = createLogger('silent', 'switchyard-projector-test');

describe('projector metrics: the relay dead letters', () => {
  it('given a relay that dead-lettered events, when scraped, then switchyard_relay_dead_letters_total counts them by reason', async () => {
    const counts: Record<DeadLetterReason, number> = {
      unserializable: 0,
      too_large: 0,
      refused_too_large: 0,
    };
    const registry = createProjectorRegistry({
      eventStore: new InMemoryEventStore(),
      projections: [],
      relay: { name: 'kafka', checkpoint: null, eventTypes: ['UsageRecorded'] },
      relayDeadLetters: () => counts,
      logger,
    });
    expect(await registry.metrics()).toContain('switchyard_relay_dead_letters_total{reason="too_large"} 0');
    counts.too_large = 2;
    counts.unserializable = 1;
    const text = await registry.metrics();
    expect(text).toContain('switchyard_relay_dead_letters_total{reason="too_large"} 2');
    expect(text).toContain('switchyard_relay_dead_letters_total{reason="unserializable"} 1');
    expect(text).toContain('switchyard_relay_dead_letters_total{reason="refused_too_large"} 0');
  });

  it('given no relay, when scraped, then the series is not there', async () => {
    const registry = createProjectorRegistry({
      eventStore: new InMemoryEventStore(),
      projections: [],
      logger,
    });
    expect(await registry.metrics()).not.toContain('switchyard_relay_dead_letters_total');
  });
});
