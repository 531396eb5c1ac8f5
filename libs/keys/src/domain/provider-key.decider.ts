import {
  assertNever,
  ForbiddenError,
  IllegalStateError,
  NotFoundError,
  ValidationError,
  type Decider,
} from '@gw/shared-kernel';
import type { ByokAllowance, ProviderKeyCommand } from './provider-key.commands';
import type { KeyFacts, ProviderKeyEvent } from './provider-key.events';

export type KeyStatus = 'valid' | 'unvalidated' | 'invalid';

export type ProviderKey =
  | {
      readonly status: 'Active';
      readonly facts: KeyFacts;
      readonly secretId: string;
      readonly masked: string;
      readonly validity: KeyStatus;
      readonly enabled: boolean;
      readonly priority: number;
    }
  | { readonly status: 'Removed'; readonly facts: KeyFacts; readonly secretId: string };

/** A user's keys (stream `keys-<userId>`), by key id; removed keys stay as tombstones. */
export interface UserKeys {
  readonly keys: ReadonlyMap<string, ProviderKey>;
}

export const initialState = (): UserKeys => ({ keys: new Map() });

export const MAX_PRIORITY = 1_000_000;
export const MAX_LABEL_LENGTH = 100;

const facts = (d: KeyFacts): KeyFacts => ({
  userId: d.userId,
  keyId: d.keyId,
  provider: d.provider,
  label: d.label,
  last4: d.last4,
  fingerprint: d.fingerprint,
  kekVersion: d.kekVersion,
});

const withKey = (state: UserKeys, key: ProviderKey): UserKeys => {
  const keys = new Map(state.keys);
  keys.set(key.facts.keyId, key);
  return { keys };
};

export const evolve = (state: UserKeys, event: ProviderKeyEvent): UserKeys => {
  if (event.type === 'KeyAdded') {
    const d = event.data;
    return withKey(state, {
      status: 'Active',
      facts: facts(d),
      secretId: d.secretId,
      masked: d.masked,
      validity: 'unvalidated',
      enabled: true,
      priority: d.priority,
    });
  }
  const key = state.keys.get(event.data.keyId);
  if (!key || key.status !== 'Active') return state;
  switch (event.type) {
    case 'KeyRotated':
      return withKey(state, {
        ...key,
        facts: facts(event.data),
        secretId: event.data.secretId,
        masked: event.data.masked,
        validity: 'unvalidated',
      });
    case 'KeyValidated':
      return withKey(state, { ...key, validity: 'valid' });
    case 'KeyValidationFailed':
      return withKey(state, { ...key, validity: 'invalid' });
    case 'KeyEnabled':
      return withKey(state, { ...key, enabled: true });
    case 'KeyDisabled':
      return withKey(state, { ...key, enabled: false });
    case 'KeyPriorityChanged':
      return withKey(state, { ...key, priority: event.data.priority });
    case 'KeyLabelChanged':
      return withKey(state, { ...key, facts: { ...key.facts, label: event.data.label } });
    case 'KeyRemoved':
      return withKey(state, { status: 'Removed', facts: key.facts, secretId: key.secretId });
    default:
      return assertNever(event);
  }
};

/** The tier may bring its own keys, else a 403 naming the tier that unlocks BYOK. */
export function assertByokAllowed(allowance: ByokAllowance): void {
  if (!allowance.allowed)
    throw new ForbiddenError(
      'KEYS.BYOK_NOT_ALLOWED',
      `The ${allowance.tier} tier cannot bring its own provider keys` +
        (allowance.unlockedBy ? `; the ${allowance.unlockedBy} tier unlocks BYOK.` : '.'),
      { param: null, unlockedBy: allowance.unlockedBy ?? null },
    );
}

type ActiveKey = Extract<ProviderKey, { status: 'Active' }>;

export const activeKeysOf = (state: UserKeys): ActiveKey[] =>
  [...state.keys.values()].filter((k): k is ActiveKey => k.status === 'Active');

/** Another user's key id and a removed key's id look the same: 404 (never 403). */
const activeKey = (state: UserKeys, keyId: string) => {
  const key = state.keys.get(keyId);
  if (!key || key.status !== 'Active')
    throw new NotFoundError('KEYS.KEY_NOT_FOUND', `The key \`${keyId}\` does not exist.`, { param: 'id' });
  return key;
};

function checkPriority(priority: number | undefined): void {
  if (priority !== undefined && (!Number.isInteger(priority) || priority < 0 || priority > MAX_PRIORITY))
    throw new ValidationError(
      'KEYS.INVALID_PRIORITY',
      `priority must be an integer from 0 to ${MAX_PRIORITY} (lower is tried first).`,
      { param: 'priority' },
    );
}

function checkLabel(label: string | undefined): void {
  if (label !== undefined && label.length > MAX_LABEL_LENGTH)
    throw new ValidationError('KEYS.INVALID_LABEL', `label must be at most ${MAX_LABEL_LENGTH} characters.`, {
      param: 'label',
    });
}

export const decide = (command: ProviderKeyCommand, state: UserKeys): ProviderKeyEvent[] => {
  const at = command.metadata.now.toISOString();
  switch (command.type) {
    case 'AddProviderKey': {
      const d = command.data;
      assertByokAllowed(d.allowance);
      checkPriority(d.priority);
      checkLabel(d.label);
      if (state.keys.has(d.keyId)) return []; // the same command again: already done
      const same = activeKeysOf(state).filter((k) => k.facts.provider === d.provider);
      if (!d.custom && same.some((k) => k.facts.fingerprint === d.stored.fingerprint))
        throw new IllegalStateError(
          'KEYS.DUPLICATE_KEY',
          `This key is already stored for ${d.provider}; rotate or remove the existing one.`,
          { param: 'apiKey' },
        );
      if (same.length >= d.allowance.keysPerProvider)
        throw new IllegalStateError(
          'KEYS.TOO_MANY_KEYS',
          `The ${d.allowance.tier} tier allows ${d.allowance.keysPerProvider} key(s) per provider and ` +
            `${d.provider} has ${same.length}; remove or rotate one instead.`,
          { param: 'provider' },
        );
      const priority = d.priority ?? same.reduce((max, k) => Math.max(max, k.priority + 1), 0);
      const keyFacts: KeyFacts = {
        userId: d.userId,
        keyId: d.keyId,
        provider: d.provider,
        label: d.label,
        last4: d.stored.last4,
        fingerprint: d.stored.fingerprint,
        kekVersion: d.stored.kekVersion,
      };
      const added: ProviderKeyEvent = {
        type: 'KeyAdded',
        data: {
          ...keyFacts,
          secretId: d.stored.secretId,
          masked: d.stored.masked,
          priority,
          addedAt: at,
          ...(d.custom && { custom: { baseUrl: d.custom.baseUrl, models: [...d.custom.models] } }),
        },
      };
      return d.validated
        ? [added, { type: 'KeyValidated', data: { ...keyFacts, validatedAt: at } }]
        : [added];
    }
    case 'RotateProviderKey': {
      const d = command.data;
      const key = activeKey(state, d.keyId);
      const keyFacts: KeyFacts = {
        ...key.facts,
        last4: d.stored.last4,
        fingerprint: d.stored.fingerprint,
        kekVersion: d.stored.kekVersion,
      };
      const rotated: ProviderKeyEvent = {
        type: 'KeyRotated',
        data: { ...keyFacts, secretId: d.stored.secretId, masked: d.stored.masked, rotatedAt: at },
      };
      return d.validated
        ? [rotated, { type: 'KeyValidated', data: { ...keyFacts, validatedAt: at } }]
        : [rotated];
    }
    case 'ChangeProviderKey': {
      const d = command.data;
      const key = activeKey(state, d.keyId);
      checkPriority(d.priority);
      checkLabel(d.label);
      const events: ProviderKeyEvent[] = [];
      let current = key.facts;
      if (d.label !== undefined && d.label !== current.label) {
        events.push({
          type: 'KeyLabelChanged',
          data: { ...current, label: d.label, previousLabel: current.label, changedAt: at },
        });
        current = { ...current, label: d.label };
      }
      if (d.enabled !== undefined && d.enabled !== key.enabled)
        events.push(
          d.enabled
            ? { type: 'KeyEnabled', data: { ...current, enabledAt: at } }
            : { type: 'KeyDisabled', data: { ...current, disabledAt: at } },
        );
      if (d.priority !== undefined && d.priority !== key.priority)
        events.push({
          type: 'KeyPriorityChanged',
          data: { ...current, priority: d.priority, changedAt: at },
        });
      return events;
    }
    case 'RecordKeyValidation': {
      const d = command.data;
      const key = activeKey(state, d.keyId);
      if (key.facts.fingerprint !== d.fingerprint) return []; // about a key rotated away since
      if (d.outcome.ok) return [{ type: 'KeyValidated', data: { ...key.facts, validatedAt: at } }];
      if (key.validity === 'invalid') return [];
      return [
        {
          type: 'KeyValidationFailed',
          data: { ...key.facts, reason: d.outcome.reason, status: d.outcome.status, failedAt: at },
        },
      ];
    }
    case 'RemoveProviderKey': {
      const key = activeKey(state, command.data.keyId);
      return [{ type: 'KeyRemoved', data: { ...key.facts, removedAt: at, reason: 'removed' } }];
    }
    case 'RemoveAllProviderKeys':
      // None left (never any, or removed by an earlier try): nothing to record.
      return activeKeysOf(state).map((key) => ({
        type: 'KeyRemoved',
        data: { ...key.facts, removedAt: at, reason: command.data.reason },
      }));
    default:
      return assertNever(command);
  }
};

export const providerKeyDecider: Decider<ProviderKeyCommand, ProviderKeyEvent, UserKeys> = {
  initialState,
  evolve,
  decide,
};
