import { ForbiddenError, IllegalStateError, NotFoundError, ValidationError } from '@gw/shared-kernel';
import { deciderSpec } from '@gw/shared-kernel/testing';
import type { ByokAllowance, ProviderKeyCommand, StoredSecretFacts } from './provider-key.commands';
import { providerKeyDecider } from './provider-key.decider';
import type { KeyAdded, KeyFacts, ProviderKeyEvent } from './provider-key.events';

const given = deciderSpec(providerKeyDecider);
const now = new Date('2026-12-01T12:00:00Z');
const at = now.toISOString();
const starter: ByokAllowance = { allowed: true, keysPerProvider: 1, unlockedBy: 'starter', tier: 'starter' };
const pro: ByokAllowance = { allowed: true, keysPerProvider: 5, unlockedBy: 'starter', tier: 'professional' };
const stored = (n: number): StoredSecretFacts => ({
  secretId: `k1.${n}`,
  masked: `sk-…000${n}`,
  last4: `000${n}`,
  fingerprint: `fp${n}`,
  kekVersion: 1,
});
const facts = (n = 1, keyId = 'k1'): KeyFacts => ({
  userId: 'u1',
  keyId,
  provider: 'openai',
  label: 'main',
  last4: `000${n}`,
  fingerprint: `fp${n}`,
  kekVersion: 1,
});
const add = (over: Partial<Extract<ProviderKeyCommand, { type: 'AddProviderKey' }>['data']> = {}) =>
  ({
    type: 'AddProviderKey',
    data: {
      userId: 'u1',
      keyId: 'k1',
      provider: 'openai',
      label: 'main',
      stored: stored(1),
      validated: false,
      allowance: starter,
      ...over,
    },
    metadata: { now },
  }) as const;
const added: KeyAdded = {
  type: 'KeyAdded',
  data: { ...facts(), secretId: 'k1.1', masked: 'sk-…0001', priority: 0, addedAt: at },
};
const cmd = <T extends ProviderKeyCommand['type']>(
  type: T,
  data: Omit<Extract<ProviderKeyCommand, { type: T }>['data'], 'userId'>,
) =>
  ({ type, data: { userId: 'u1', ...data }, metadata: { now } }) as unknown as Extract<
    ProviderKeyCommand,
    { type: T }
  >;

describe('provider key decider', () => {
  it('adds a key: facts, masked form and priority, never the key', () => given([]).when(add()).then([added]));

  it('a key validated on the way in is added and validated', () =>
    given([])
      .when(add({ validated: true }))
      .then([added, { type: 'KeyValidated', data: { ...facts(), validatedAt: at } }]));

  it('the free tier is refused, naming the tier that unlocks BYOK', () => {
    const free: ByokAllowance = { allowed: false, keysPerProvider: 0, unlockedBy: 'starter', tier: 'free' };
    given([])
      .when(add({ allowance: free }))
      .thenThrows(ForbiddenError, 'KEYS.BYOK_NOT_ALLOWED');
    expect(() =>
      providerKeyDecider.decide(add({ allowance: free }), providerKeyDecider.initialState()),
    ).toThrow('The free tier cannot bring its own provider keys; the starter tier unlocks BYOK.');
  });

  it('starter: one key per provider; another provider is fine', () => {
    given([added])
      .when(add({ keyId: 'k2', stored: stored(2) }))
      .thenThrows(IllegalStateError, 'KEYS.TOO_MANY_KEYS');
    given([added])
      .when(add({ keyId: 'k2', stored: stored(2), provider: 'groq' }))
      .then([
        {
          type: 'KeyAdded',
          data: {
            ...facts(2, 'k2'),
            provider: 'groq',
            secretId: 'k1.2',
            masked: 'sk-…0002',
            priority: 0,
            addedAt: at,
          },
        },
      ]);
  });

  it('professional: several keys per provider, each after the last by default', () =>
    given([added])
      .when(add({ keyId: 'k2', stored: stored(2), allowance: pro }))
      .then([
        {
          type: 'KeyAdded',
          data: { ...facts(2, 'k2'), secretId: 'k1.2', masked: 'sk-…0002', priority: 1, addedAt: at },
        },
      ]));

  it('the same key twice for one provider is refused', () =>
    given([added])
      .when(add({ keyId: 'k2', allowance: pro }))
      .thenThrows(IllegalStateError, 'KEYS.DUPLICATE_KEY'));

  it('the same command again does nothing', () => given([added]).when(add()).then([]));

  it('refuses a negative or fractional priority and a long label', () => {
    given([])
      .when(add({ priority: -1 }))
      .thenThrows(ValidationError, 'KEYS.INVALID_PRIORITY');
    given([])
      .when(add({ priority: 1.5 }))
      .thenThrows(ValidationError, 'KEYS.INVALID_PRIORITY');
    given([])
      .when(add({ label: 'x'.repeat(101) }))
      .thenThrows(ValidationError, 'KEYS.INVALID_LABEL');
  });

  it('rotating replaces the secret and makes the key unvalidated again', () => {
    given([added])
      .when(cmd('RotateProviderKey', { keyId: 'k1', stored: stored(2), validated: false }))
      .then([
        {
          type: 'KeyRotated',
          data: { ...facts(2), secretId: 'k1.2', masked: 'sk-…0002', rotatedAt: at },
        },
      ]);
  });

  it('unknown and removed keys are not found, whatever the command', () => {
    const removed: ProviderKeyEvent = { type: 'KeyRemoved', data: { ...facts(), removedAt: at } };
    for (const history of [[], [added, removed]])
      for (const c of [
        cmd('RotateProviderKey', { keyId: 'k1', stored: stored(2), validated: false }),
        cmd('ChangeProviderKey', { keyId: 'k1', enabled: false }),
        cmd('RecordKeyValidation', { keyId: 'k1', fingerprint: 'fp1', outcome: { ok: true } }),
        cmd('RemoveProviderKey', { keyId: 'k1' }),
      ])
        given(history).when(c).thenThrows(NotFoundError, 'KEYS.KEY_NOT_FOUND');
  });

  it('a change emits one event per field that changed, none for the rest', () =>
    given([added])
      .when(cmd('ChangeProviderKey', { keyId: 'k1', label: 'backup', enabled: false, priority: 0 }))
      .then([
        {
          type: 'KeyLabelChanged',
          data: { ...facts(), label: 'backup', previousLabel: 'main', changedAt: at },
        },
        { type: 'KeyDisabled', data: { ...facts(), label: 'backup', disabledAt: at } },
      ]));

  it('enables a disabled key and changes its priority', () =>
    given([added, { type: 'KeyDisabled', data: { ...facts(), disabledAt: at } }])
      .when(cmd('ChangeProviderKey', { keyId: 'k1', enabled: true, priority: 3 }))
      .then([
        { type: 'KeyEnabled', data: { ...facts(), enabledAt: at } },
        { type: 'KeyPriorityChanged', data: { ...facts(), priority: 3, changedAt: at } },
      ]));

  it('a failed validation marks the key invalid once; a result about a rotated-away key is dropped', () => {
    const failed = cmd('RecordKeyValidation', {
      keyId: 'k1',
      fingerprint: 'fp1',
      outcome: { ok: false, reason: 'auth', status: 401 },
    });
    const event: ProviderKeyEvent = {
      type: 'KeyValidationFailed',
      data: { ...facts(), reason: 'auth', status: 401, failedAt: at },
    };
    given([added]).when(failed).then([event]);
    given([added, event]).when(failed).then([]);
    given([added])
      .when({ ...failed, data: { ...failed.data, fingerprint: 'fp-old' } })
      .then([]);
    given([added, event])
      .when(cmd('RecordKeyValidation', { keyId: 'k1', fingerprint: 'fp1', outcome: { ok: true } }))
      .then([{ type: 'KeyValidated', data: { ...facts(), validatedAt: at } }]);
  });

  it('removing keeps the facts in the event and frees the slot for a new key', () => {
    const removed: ProviderKeyEvent = {
      type: 'KeyRemoved',
      data: { ...facts(), removedAt: at, reason: 'removed' },
    };
    given([added])
      .when(cmd('RemoveProviderKey', { keyId: 'k1' }))
      .then([removed]);
    given([added, removed])
      .when(add({ keyId: 'k2', stored: stored(1) }))
      .then([{ ...added, data: { ...added.data, keyId: 'k2' } }]);
  });
});

describe("provider key decider: removing all of a user's keys (account deleted)", () => {
  const removeAll = cmd('RemoveAllProviderKeys', { reason: 'account_deleted' });
  const added2: KeyAdded = {
    type: 'KeyAdded',
    data: { ...facts(2, 'k2'), secretId: 'k2.2', masked: 'sk-…0002', priority: 1, addedAt: at },
  };
  const gone = (n: number, keyId: string, reason: 'removed' | 'account_deleted'): ProviderKeyEvent => ({
    type: 'KeyRemoved',
    data: { ...facts(n, keyId), removedAt: at, reason },
  });

  it('removes every live key (enabled or not, valid or not) with its facts and the reason', () =>
    given([
      added,
      added2,
      { type: 'KeyDisabled', data: { ...facts(2, 'k2'), disabledAt: at } },
      { type: 'KeyValidationFailed', data: { ...facts(), reason: 'auth', status: 401, failedAt: at } },
    ])
      .when(removeAll)
      .then([gone(1, 'k1', 'account_deleted'), gone(2, 'k2', 'account_deleted')]));

  it('skips keys removed before, including old KeyRemoved events without a reason', () => {
    const oldRemoved: ProviderKeyEvent = { type: 'KeyRemoved', data: { ...facts(), removedAt: at } };
    given([added, added2, oldRemoved])
      .when(removeAll)
      .then([gone(2, 'k2', 'account_deleted')]);
  });

  it('nothing left (no keys ever, or a retry after everything was removed) records nothing', () => {
    given([]).when(removeAll).then([]);
    given([added, added2, gone(1, 'k1', 'account_deleted'), gone(2, 'k2', 'account_deleted')])
      .when(removeAll)
      .then([]);
  });

  it('leaves no live key in the state', () => {
    const state = [added, added2, gone(1, 'k1', 'account_deleted'), gone(2, 'k2', 'account_deleted')].reduce(
      providerKeyDecider.evolve,
      providerKeyDecider.initialState(),
    );
    expect([...state.keys.values()].map((k) => k.status)).toEqual(['Removed', 'Removed']);
  });
});
