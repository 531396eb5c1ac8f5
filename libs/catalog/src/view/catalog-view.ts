import type { RecordedEvent } from '@gw/shared-kernel';
import { MODEL_EVENT_TYPES, toModelId, type ModelEvent } from '../domain/model.events';
import { modelDecider, type ModelState } from '../domain/model.decider';
import { PROVIDER_EVENT_TYPES, type ProviderEvent } from '../domain/provider.events';
import { providerDecider, type ProviderState } from '../domain/provider.decider';

/** Every event type the catalog view reads. */
export const CATALOG_EVENT_TYPES: readonly string[] = [...PROVIDER_EVENT_TYPES, ...MODEL_EVENT_TYPES];

const PROVIDER_TYPES: ReadonlySet<string> = new Set(PROVIDER_EVENT_TYPES);
const MODEL_TYPES: ReadonlySet<string> = new Set(MODEL_EVENT_TYPES);

export interface ProviderEntry extends ProviderState {
  readonly status: 'registered';
  readonly spec: NonNullable<ProviderState['spec']>;
  readonly seeded: boolean;
  /** Revision of the provider's stream after the last catalog event applied. */
  readonly revision: bigint;
}

export interface ModelEntry extends ModelState {
  readonly status: 'added';
  readonly spec: NonNullable<ModelState['spec']>;
  /** `provider/model` */
  readonly id: string;
  readonly seeded: boolean;
  readonly revision: bigint;
}

interface Tracked<TState> {
  state: TState;
  seeded: boolean;
  revision: bigint;
}

/**
 * Folds one event into the tracked state of its stream; `seeded` is given by the registering event
 * (undefined for the others).
 */
function track<TState>(
  states: Map<string, Tracked<TState>>,
  key: string,
  initial: () => TState,
  evolve: (state: TState) => TState,
  revision: bigint,
  seeded: boolean | undefined,
): void {
  const tracked = states.get(key) ?? { state: initial(), seeded: false, revision: -1n };
  tracked.state = evolve(tracked.state);
  if (seeded !== undefined) tracked.seeded = seeded;
  tracked.revision = revision;
  states.set(key, tracked);
}

/**
 * The catalog as an in-memory read model, fed from the log: the same `evolve` as the aggregates, so it
 * cannot disagree with them. Admin queries and the routing snapshot read it; nothing here does I/O.
 */
export class CatalogView {
  private readonly providerStates = new Map<string, Tracked<ProviderState>>();
  private readonly modelStates = new Map<string, Tracked<ModelState>>();
  private changes = 0;

  /** Applies one event; returns whether it was a catalog event. */
  apply(event: RecordedEvent): boolean {
    if (PROVIDER_TYPES.has(event.type)) {
      const e = event as unknown as ProviderEvent;
      const seeded = e.type === 'ProviderRegistered' ? e.data.seeded : undefined;
      track(
        this.providerStates,
        e.data.slug,
        providerDecider.initialState,
        (s) => providerDecider.evolve(s, e),
        event.revision,
        seeded,
      );
    } else if (MODEL_TYPES.has(event.type)) {
      const e = event as unknown as ModelEvent;
      const id = toModelId(e.data.provider, e.data.model);
      const seeded = e.type === 'ModelAdded' ? e.data.seeded : undefined;
      track(
        this.modelStates,
        id,
        modelDecider.initialState,
        (s) => modelDecider.evolve(s, e),
        event.revision,
        seeded,
      );
    } else {
      return false;
    }
    this.changes++;
    return true;
  }

  /** Grows with every catalog event applied: a cheap "has anything changed" check. */
  get changeCount(): number {
    return this.changes;
  }

  provider(slug: string): ProviderEntry | undefined {
    const t = this.providerStates.get(slug);
    if (!t || t.state.status !== 'registered' || !t.state.spec) return undefined;
    return { ...t.state, status: 'registered', spec: t.state.spec, seeded: t.seeded, revision: t.revision };
  }

  /** Registered providers, by slug. */
  providers(): ProviderEntry[] {
    return [...this.providerStates.keys()]
      .map((slug) => this.provider(slug))
      .filter((p): p is ProviderEntry => p !== undefined)
      .sort((a, b) => a.spec.slug.localeCompare(b.spec.slug));
  }

  model(id: string): ModelEntry | undefined {
    const t = this.modelStates.get(id);
    if (!t || t.state.status !== 'added' || !t.state.spec) return undefined;
    return { ...t.state, status: 'added', spec: t.state.spec, id, seeded: t.seeded, revision: t.revision };
  }

  /** Models of registered providers (all of them, or one provider's), by id. */
  models(provider?: string): ModelEntry[] {
    return [...this.modelStates.keys()]
      .map((id) => this.model(id))
      .filter(
        (m): m is ModelEntry =>
          m !== undefined &&
          (provider === undefined || m.spec.provider === provider) &&
          this.provider(m.spec.provider) !== undefined,
      )
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The revision this view has reached for a provider's stream (-1n: none), for read-your-writes. */
  providerRevision(slug: string): bigint {
    return this.providerStates.get(slug)?.revision ?? -1n;
  }

  modelRevision(id: string): bigint {
    return this.modelStates.get(id)?.revision ?? -1n;
  }
}
