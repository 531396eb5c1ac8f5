import { assertNever, IllegalStateError, NotFoundError, type Decider } from '@gw/shared-kernel';
import { changedFields, validateProviderSpec } from './catalog-validation';
import type { ProviderCommand, StoredKeyRef } from './provider.commands';
import type { ProviderEvent, ProviderSpecData } from './provider.events';
import type { ProviderHealthEvent } from './provider-health.events';

export interface PlatformKeyState extends StoredKeyRef {
  readonly setAt: string;
}

export interface ProviderState {
  readonly status: 'none' | 'registered' | 'removed';
  readonly spec?: ProviderSpecData;
  readonly enabled: boolean;
  readonly disabledReason: string | null;
  readonly platformKey?: PlatformKeyState;
}

/** The stream also holds health events; they do not change what the catalog says. */
type ProviderStreamEvent = ProviderEvent | ProviderHealthEvent;

const initialState = (): ProviderState => ({ status: 'none', enabled: false, disabledReason: null });

function evolve(state: ProviderState, event: ProviderStreamEvent): ProviderState {
  switch (event.type) {
    case 'ProviderRegistered': {
      const { enabled, seeded: _s, registeredBy: _b, registeredAt: _a, ...spec } = event.data;
      return { status: 'registered', spec, enabled, disabledReason: null };
    }
    case 'ProviderUpdated':
      return { ...state, spec: { ...state.spec!, ...event.data.changes } };
    case 'PlatformKeySet': {
      const { slug: _s, setBy: _b, ...key } = event.data;
      return { ...state, platformKey: key };
    }
    case 'PlatformKeyRemoved':
      return { ...state, platformKey: undefined };
    case 'ProviderDisabled':
      return { ...state, enabled: false, disabledReason: event.data.reason };
    case 'ProviderEnabled':
      return { ...state, enabled: true, disabledReason: null };
    case 'ProviderRemoved':
      return { status: 'removed', enabled: false, disabledReason: null };
    case 'ProviderDegraded':
    case 'ProviderRecovered':
      return state;
    default:
      return assertNever(event);
  }
}

const notFound = (slug: string): never => {
  throw new NotFoundError('CATALOG.PROVIDER_NOT_FOUND', `The provider \`${slug}\` does not exist.`, {
    param: 'slug',
  });
};

function keyEvents(
  slug: string,
  current: PlatformKeyState | undefined,
  next: StoredKeyRef | null | undefined,
  by: string,
  at: string,
): ProviderEvent[] {
  if (next === undefined) return [];
  if (next === null) {
    return current
      ? [
          {
            type: 'PlatformKeyRemoved',
            data: { slug, secretId: current.secretId, removedBy: by, removedAt: at },
          },
        ]
      : [];
  }
  // The same key again (same fingerprint) changes nothing.
  if (current?.fingerprint === next.fingerprint) return [];
  return [{ type: 'PlatformKeySet', data: { slug, ...next, setBy: by, setAt: at } }];
}

export const providerDecider: Decider<ProviderCommand, ProviderStreamEvent, ProviderState> = {
  initialState,
  evolve,
  decide: (command, state) => {
    const at = command.metadata.now.toISOString();
    switch (command.type) {
      case 'RegisterProvider': {
        const { spec, enabled, seeded, platformKey, by } = command.data;
        // The seed never re-creates what exists or what an admin removed.
        if (seeded && state.status !== 'none') return [];
        if (state.status === 'registered')
          throw new IllegalStateError(
            'CATALOG.PROVIDER_EXISTS',
            `The provider \`${spec.slug}\` already exists; change it with PUT instead.`,
            { param: 'slug' },
          );
        validateProviderSpec(spec);
        return [
          {
            type: 'ProviderRegistered',
            data: { ...spec, enabled, seeded, registeredBy: by, registeredAt: at },
          },
          ...keyEvents(spec.slug, undefined, platformKey, by, at),
        ];
      }
      case 'ChangeProvider': {
        const { slug, spec, enabled, disabledReason, platformKey, by } = command.data;
        if (state.status !== 'registered' || !state.spec) return notFound(slug);
        const events: ProviderEvent[] = [];
        let baseUrlChanged = false;
        if (spec) {
          const next = { ...state.spec, ...spec, slug };
          validateProviderSpec(next);
          const changes = changedFields(state.spec, next);
          if (Object.keys(changes).length > 0)
            events.push({ type: 'ProviderUpdated', data: { slug, changes, updatedBy: by, updatedAt: at } });
          baseUrlChanged = changes.baseUrl !== undefined;
        }
        // The key was given for the old address: a new address gets it only if the same change says
        // so (sends the key again), otherwise it would reach whatever host the URL now names.
        const nextKey = platformKey === undefined && baseUrlChanged ? null : platformKey;
        events.push(...keyEvents(slug, state.platformKey, nextKey, by, at));
        if (enabled === true && !state.enabled)
          events.push({ type: 'ProviderEnabled', data: { slug, enabledBy: by, enabledAt: at } });
        if (enabled === false && state.enabled)
          events.push({
            type: 'ProviderDisabled',
            data: { slug, reason: disabledReason ?? null, disabledBy: by, disabledAt: at },
          });
        return events;
      }
      case 'RemoveProvider': {
        const { slug, by } = command.data;
        if (state.status !== 'registered') return notFound(slug);
        return [{ type: 'ProviderRemoved', data: { slug, removedBy: by, removedAt: at } }];
      }
      default:
        return assertNever(command);
    }
  },
};
