import type { DomainEvent, RecordedEvent } from '@gw/shared-kernel';
import type { ModelEvent, ModelSpecData } from '../domain/model.events';
import type { ProviderEvent, ProviderSpecData } from '../domain/provider.events';
import { CatalogView } from './catalog-view';
import { buildRoutingSnapshot, providerStatus, type ProviderResolver } from './routing-snapshot';

const at = '2026-11-23T12:00:00.000Z';
let position = 0n;
const revisions = new Map<string, bigint>();
const recorded = (streamId: string, e: DomainEvent): RecordedEvent => {
  const revision = (revisions.get(streamId) ?? -1n) + 1n;
  revisions.set(streamId, revision);
  position++;
  return {
    id: `e${position}`,
    streamId,
    type: e.type,
    version: 1,
    data: e.data,
    metadata: { correlationId: 'c', actorId: 'a' },
    occurredAt: new Date(at),
    revision,
    position: { commit: position, prepare: position },
  } as unknown as RecordedEvent;
};

const providerSpec = (slug: string, requiresKey = true): ProviderSpecData => ({
  slug,
  name: slug,
  kind: 'openai-compatible',
  baseUrl: `https://${slug}.test/v1`,
  requiresKey,
});
const registered = (slug: string, enabled = true, requiresKey = true): ProviderEvent => ({
  type: 'ProviderRegistered',
  data: { ...providerSpec(slug, requiresKey), enabled, seeded: false, registeredBy: 'a', registeredAt: at },
});
const modelSpec = (provider: string, model: string): ModelSpecData => ({
  provider,
  model,
  displayName: model,
  prices: { inputPerMillion: '100', outputPerMillion: '200', cachedInputPerMillion: '50' },
  contextWindow: 1000,
  maxOutputTokens: 100,
  capabilities: { streaming: true, tools: false, vision: false, jsonMode: false },
  quality: 0.5,
  typicalLatencyMs: 500,
  powerLevels: ['eco'],
  minTier: 'free',
});
const added = (provider: string, model: string): ModelEvent => ({
  type: 'ModelAdded',
  data: { ...modelSpec(provider, model), enabled: true, seeded: true, addedBy: 'seed', addedAt: at },
});

const keys = new Map<string, string>([['keyed', 'sk-keyed']]);
const resolver: ProviderResolver = {
  baseUrl: (p) => (p.spec.slug === 'nowhere' ? undefined : p.spec.baseUrl),
  apiKey: (slug) => keys.get(slug),
};

describe('CatalogView', () => {
  const view = new CatalogView();
  const feed = (streamId: string, e: DomainEvent) => view.apply(recorded(streamId, e));

  beforeAll(() => {
    feed('provider-keyed', registered('keyed'));
    feed('provider-keyless', registered('keyless', true, false));
    feed('provider-unkeyed', registered('unkeyed'));
    feed('provider-off', registered('off', false, false));
    feed('provider-nowhere', registered('nowhere', true, false));
    feed('provider-gone', registered('gone', true, false));
    for (const slug of ['keyed', 'keyless', 'unkeyed', 'off', 'nowhere', 'gone'])
      feed(`model-${slug}.m-1`, added(slug, 'm-1'));
    feed('model-keyed.org/m:2', added('keyed', 'org/m:2'));
    feed('model-keyed.org/m:2', {
      type: 'ModelUpdated',
      data: { provider: 'keyed', model: 'org/m:2', changes: { quality: 0.9 }, updatedBy: 'a', updatedAt: at },
    });
    feed('model-keyless.m-2', added('keyless', 'm-2'));
    feed('model-keyless.m-2', {
      type: 'ModelDisabled',
      data: { provider: 'keyless', model: 'm-2', reason: null, disabledBy: 'a', disabledAt: at },
    });
    feed('provider-gone', { type: 'ProviderRemoved', data: { slug: 'gone', removedBy: 'a', removedAt: at } });
  });

  it('ignores events that are not the catalog’s', () => {
    const before = view.changeCount;
    expect(feed('provider-keyed', { type: 'ProviderDegraded', data: { provider: 'keyed' } })).toBe(false);
    expect(view.changeCount).toBe(before);
  });

  it('lists registered providers and the models of registered providers', () => {
    expect(view.providers().map((p) => p.spec.slug)).toEqual([
      'keyed',
      'keyless',
      'nowhere',
      'off',
      'unkeyed',
    ]);
    expect(view.model('gone/m-1')).toBeDefined(); // the model's own stream says nothing of the removal…
    expect(view.models().map((m) => m.id)).not.toContain('gone/m-1'); // …but it is not listed
    expect(view.model('keyed/org/m:2')?.spec.quality).toBe(0.9);
    expect(view.models('keyless').map((m) => [m.id, m.enabled])).toEqual([
      ['keyless/m-1', true],
      ['keyless/m-2', false],
    ]);
  });

  it('says why a provider does not serve', () => {
    const status = (slug: string) => providerStatus(view.provider(slug)!, resolver);
    expect(['keyed', 'keyless', 'unkeyed', 'off', 'nowhere'].map(status)).toEqual([
      'active',
      'active',
      'needs_key',
      'disabled',
      'unreachable',
    ]);
  });

  it('routes only to enabled models of active providers, with the provider’s key', () => {
    const snapshot = buildRoutingSnapshot(view, resolver);
    expect([...snapshot.providers.keys()].sort()).toEqual(['keyed', 'keyless']);
    expect(snapshot.providers.get('keyed')?.apiKey).toBe('sk-keyed');
    expect(snapshot.models.map((m) => m.id)).toEqual(['keyed/m-1', 'keyed/org/m:2', 'keyless/m-1']);
    expect(snapshot.models[1]).toMatchObject({
      upstreamModel: 'org/m:2',
      prices: { inputPerMillion: 100n, outputPerMillion: 200n, cachedInputPerMillion: 50n },
    });
  });

  it('tracks stream revisions for read-your-writes', () => {
    expect(view.providerRevision('gone')).toBe(1n);
    expect(view.modelRevision('keyed/org/m:2')).toBe(1n);
    expect(view.providerRevision('never')).toBe(-1n);
  });
});
