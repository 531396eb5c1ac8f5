import {
  assertNever,
  IllegalStateError,
  NotFoundError,
  ValidationError,
  upcastTier,
  type Decider,
} from '@gw/shared-kernel';
import { changedFields, validateModelSpec } from './catalog-validation';
import type { ModelCommand } from './model.commands';
import { toModelId, type ModelEvent, type ModelSpecData } from './model.events';

export interface ModelState {
  readonly status: 'none' | 'added' | 'removed';
  readonly spec?: ModelSpecData;
  readonly enabled: boolean;
  readonly disabledReason: string | null;
  /** Set once deprecated; `replacement` may be null. */
  readonly deprecation?: { readonly replacement: string | null; readonly at: string };
  /** 1 when added, one more on each change of its prices (UsageRecorded names the version it paid). */
  readonly priceVersion?: number;
}

const initialState = (): ModelState => ({ status: 'none', enabled: false, disabledReason: null });

function evolve(state: ModelState, event: ModelEvent): ModelState {
  switch (event.type) {
    case 'ModelAdded': {
      const { enabled, seeded: _s, addedBy: _b, addedAt: _a, ...spec } = event.data;
      return {
        status: 'added',
        spec: { ...spec, minTier: upcastTier(spec.minTier) },
        enabled,
        disabledReason: null,
        priceVersion: 1,
      };
    }
    case 'ModelUpdated': {
      const { changes } = event.data;
      const minTier = changes.minTier === undefined ? {} : { minTier: upcastTier(changes.minTier) };
      const priceVersion = (state.priceVersion ?? 1) + (changes.prices === undefined ? 0 : 1);
      return { ...state, spec: { ...state.spec!, ...changes, ...minTier }, priceVersion };
    }
    case 'ModelDisabled':
      return { ...state, enabled: false, disabledReason: event.data.reason };
    case 'ModelEnabled':
      return { ...state, enabled: true, disabledReason: null };
    case 'ModelDeprecated':
      return {
        ...state,
        deprecation: { replacement: event.data.replacement, at: event.data.deprecatedAt },
      };
    case 'ModelRemoved':
      return { status: 'removed', enabled: false, disabledReason: null };
    default:
      return assertNever(event);
  }
}

const notFound = (provider: string, model: string): never => {
  throw new NotFoundError(
    'CATALOG.MODEL_NOT_FOUND',
    `The model \`${toModelId(provider, model)}\` does not exist.`,
    { param: 'model' },
  );
};

export const modelDecider: Decider<ModelCommand, ModelEvent, ModelState> = {
  initialState,
  evolve,
  decide: (command, state) => {
    const at = command.metadata.now.toISOString();
    switch (command.type) {
      case 'AddModel': {
        const { spec, enabled, seeded, providerExists, by } = command.data;
        if (seeded && state.status !== 'none') return [];
        if (state.status === 'added')
          throw new IllegalStateError(
            'CATALOG.MODEL_EXISTS',
            `The model \`${toModelId(spec.provider, spec.model)}\` already exists; change it with PUT instead.`,
            { param: 'model' },
          );
        if (!providerExists)
          throw new NotFoundError(
            'CATALOG.PROVIDER_NOT_FOUND',
            `The provider \`${spec.provider}\` does not exist; register it first.`,
            { param: 'provider' },
          );
        validateModelSpec(spec);
        return [{ type: 'ModelAdded', data: { ...spec, enabled, seeded, addedBy: by, addedAt: at } }];
      }
      case 'ChangeModel': {
        const { provider, model, spec, enabled, disabledReason, deprecation, by } = command.data;
        if (state.status !== 'added' || !state.spec) return notFound(provider, model);
        const events: ModelEvent[] = [];
        if (spec) {
          const next = { ...state.spec, ...spec, provider, model };
          validateModelSpec(next);
          const changes = changedFields(state.spec, next);
          if (Object.keys(changes).length > 0)
            events.push({
              type: 'ModelUpdated',
              data: { provider, model, changes, updatedBy: by, updatedAt: at },
            });
        }
        if (deprecation && state.deprecation?.replacement !== deprecation.replacement) {
          if (deprecation.replacement === toModelId(provider, model))
            throw new ValidationError(
              'CATALOG.INVALID_REPLACEMENT',
              'A model cannot be its own replacement',
              { param: 'deprecated.replacement' },
            );
          events.push({
            type: 'ModelDeprecated',
            data: {
              provider,
              model,
              replacement: deprecation.replacement,
              deprecatedBy: by,
              deprecatedAt: at,
            },
          });
        }
        if (enabled === true && !state.enabled)
          events.push({ type: 'ModelEnabled', data: { provider, model, enabledBy: by, enabledAt: at } });
        if (enabled === false && state.enabled)
          events.push({
            type: 'ModelDisabled',
            data: { provider, model, reason: disabledReason ?? null, disabledBy: by, disabledAt: at },
          });
        return events;
      }
      case 'RemoveModel': {
        const { provider, model, by } = command.data;
        if (state.status !== 'added') return notFound(provider, model);
        return [{ type: 'ModelRemoved', data: { provider, model, removedBy: by, removedAt: at } }];
      }
      default:
        return assertNever(command);
    }
  },
};
