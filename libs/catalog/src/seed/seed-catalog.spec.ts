import { InMemoryEventStore } from '@gw/eventstore';
import type { Clock } from '@gw/shared-kernel';
import { MOCK_PROVIDER_SEEDS } from './mock-catalog';
import { REAL_PROVIDER_SEEDS } from './real-providers.seed';
import { seedCatalog } from './seed-catalog';

const clock: Clock = { now: () => new Date('2026-11-23T12:00:00.000Z') };
const seeds = [...REAL_PROVIDER_SEEDS, ...MOCK_PROVIDER_SEEDS];
const streams = seeds.length + seeds.reduce((n, s) => n + s.models.length, 0);

describe('seedCatalog', () => {
  it('registers every provider and model once, as events', async () => {
    const store = new InMemoryEventStore();
    expect(await seedCatalog(store, seeds, clock)).toBe(streams);
    const events = await store.readAll();
    expect(events.filter((e) => e.type === 'ProviderRegistered')).toHaveLength(seeds.length);
    expect(events.filter((e) => e.type === 'ModelAdded').length).toBeGreaterThanOrEqual(30);
    expect(events.every((e) => e.metadata.actorId === 'system:seed')).toBe(true);
  });

  it('is idempotent: a second start appends nothing', async () => {
    const store = new InMemoryEventStore();
    await seedCatalog(store, seeds, clock);
    const before = (await store.readAll()).length;
    expect(await seedCatalog(store, seeds, clock)).toBe(0);
    expect((await store.readAll()).length).toBe(before);
  });

  it('does not bring back what an admin removed, and adds what a newer seed brings', async () => {
    const store = new InMemoryEventStore();
    const [first, ...rest] = REAL_PROVIDER_SEEDS;
    await seedCatalog(store, rest, clock);
    await store.append({
      streamId: `provider-${rest[0]!.provider.slug}`,
      events: [
        {
          id: crypto.randomUUID(),
          type: 'ProviderRemoved',
          version: 1,
          data: { slug: rest[0]!.provider.slug, removedBy: 'admin', removedAt: clock.now().toISOString() },
          metadata: { correlationId: 'c', actorId: 'admin' },
          occurredAt: clock.now(),
        },
      ],
    });
    expect(await seedCatalog(store, [first!, ...rest], clock)).toBe(1 + first!.models.length);
    const removed = await store.readStream(`provider-${rest[0]!.provider.slug}`);
    expect(removed.map((e) => e.type)).toEqual(['ProviderRegistered', 'ProviderRemoved']);
  });
});
