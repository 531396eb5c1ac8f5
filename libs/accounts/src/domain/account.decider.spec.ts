import { ForbiddenError, IllegalStateError, NotFoundError, ValidationError } from '@gw/shared-kernel';
import { deciderSpec } from '@gw/shared-kernel/testing';
import type { AccountCommand } from './account.commands';
import { accountDecider, MAX_ACTIVE_GATEWAY_KEYS } from './account.decider';
import type { AccountEvent } from './account.events';
import { DEFAULT_TIER_POLICY } from './tier-policy';

const now = new Date('2026-11-23T12:00:00.000Z');
const at = now.toISOString();
const given = deciderSpec(accountDecider);

const openData = {
  userId: 'u1',
  email: 'ada@example.com',
  displayName: 'Ada',
  roles: ['user' as const],
  tier: 'free' as const,
  powerLevel: 'balanced' as const,
};
const open: AccountCommand = { type: 'OpenAccount', data: openData, metadata: { now } };
const opened: AccountEvent = { type: 'AccountOpened', data: { ...openData, openedAt: at } };
const keyData = { userId: 'u1', keyId: 'k1', name: 'laptop', keyHash: 'h1', maskedKey: 'sk-sy-abcd…wxyz' };
const issue: AccountCommand = { type: 'IssueGatewayKey', data: keyData, metadata: { now } };
const issued: AccountEvent = { type: 'GatewayKeyIssued', data: { ...keyData, issuedAt: at } };
const revoke: AccountCommand = {
  type: 'RevokeGatewayKey',
  data: { userId: 'u1', keyId: 'k1' },
  metadata: { now },
};
const revoked: AccountEvent = {
  type: 'GatewayKeyRevoked',
  data: { userId: 'u1', keyId: 'k1', revokedAt: at },
};

describe('account decider', () => {
  it('opens an account', () => given([]).when(open).then([opened]));
  it('refuses to open an account twice', () =>
    given([opened]).when(open).thenThrows(IllegalStateError, 'ACCOUNTS.ALREADY_OPEN'));
  it('refuses an email without @', () =>
    given([])
      .when({ ...open, data: { ...openData, email: 'nope' } } as AccountCommand)
      .thenThrows(ValidationError, 'ACCOUNTS.INVALID_EMAIL'));
  it('issues a gateway key on an open account', () => given([opened]).when(issue).then([issued]));
  it('cannot issue a key for an account that does not exist', () =>
    given([]).when(issue).thenThrows(NotFoundError, 'ACCOUNTS.ACCOUNT_NOT_FOUND'));
  it('issuing the same key again is a no-op (retried command)', () =>
    given([opened, issued]).when(issue).then([]));
  it('refuses a different key under an existing key id', () =>
    given([opened, issued])
      .when({ ...issue, data: { ...keyData, keyHash: 'other' } } as AccountCommand)
      .thenThrows(IllegalStateError, 'ACCOUNTS.KEY_ID_TAKEN'));
  it('caps the number of active keys', () => {
    const many: AccountEvent[] = Array.from({ length: MAX_ACTIVE_GATEWAY_KEYS }, (_, i) => ({
      type: 'GatewayKeyIssued',
      data: { ...keyData, keyId: `k${i + 100}`, keyHash: `h${i + 100}`, issuedAt: at },
    }));
    given([opened, ...many])
      .when(issue)
      .thenThrows(IllegalStateError, 'ACCOUNTS.TOO_MANY_KEYS');
  });
  it('revokes a key', () => given([opened, issued]).when(revoke).then([revoked]));
  it('revoking a revoked key does nothing', () => given([opened, issued, revoked]).when(revoke).then([]));
  it('cannot revoke a key that does not exist', () =>
    given([opened]).when(revoke).thenThrows(NotFoundError, 'ACCOUNTS.KEY_NOT_FOUND'));
  it('a revoked key no longer counts against the cap', () => {
    const many: AccountEvent[] = Array.from({ length: MAX_ACTIVE_GATEWAY_KEYS }, (_, i) => ({
      type: 'GatewayKeyIssued',
      data: { ...keyData, keyId: `k${i + 100}`, keyHash: `h${i + 100}`, issuedAt: at },
    }));
    const revokeOne: AccountEvent = {
      type: 'GatewayKeyRevoked',
      data: { userId: 'u1', keyId: 'k100', revokedAt: at },
    };
    given([opened, ...many, revokeOne])
      .when(issue)
      .then([issued]);
  });

  it('refuses to issue a key on a disabled account', () =>
    given([opened, disabled]).when(issue).thenThrows(IllegalStateError, 'ACCOUNTS.ACCOUNT_DISABLED'));
  it('opens an account with a name and no email (admin-created)', () => {
    const { email: _email, ...noEmail } = openData;
    given([])
      .when({ ...open, data: { ...noEmail, username: 'ada' } })
      .then([{ type: 'AccountOpened', data: { ...noEmail, username: 'ada', openedAt: at } }]);
  });
});

const update = (changes: UpdateChanges): AccountCommand => ({
  type: 'UpdateAccount',
  data: { userId: 'u1', changes, tierPolicy: DEFAULT_TIER_POLICY },
  metadata: { now },
});
type UpdateChanges = Extract<AccountCommand, { type: 'UpdateAccount' }>['data']['changes'];
const disabled: AccountEvent = { type: 'AccountDisabled', data: { userId: 'u1', disabledAt: at } };
const starterOpened: AccountEvent = {
  type: 'AccountOpened',
  data: { ...openData, tier: 'starter', openedAt: at },
};

describe('account decider: updates', () => {
  it('changes the tier', () =>
    given([opened])
      .when(update({ tier: 'starter' }))
      .then([
        { type: 'TierChanged', data: { userId: 'u1', tier: 'starter', previousTier: 'free', changedAt: at } },
      ]));
  it('changing nothing records nothing', () =>
    given([opened])
      .when(update({ tier: 'free', roles: ['user'], disabled: false }))
      .then([]));
  it('changes the roles (a set: order does not matter)', () => {
    given([opened])
      .when(update({ roles: ['auditor', 'user'] }))
      .then([
        {
          type: 'RolesChanged',
          data: { userId: 'u1', roles: ['auditor', 'user'], previousRoles: ['user'], changedAt: at },
        },
      ]);
    given([opened])
      .when(update({ roles: ['user', 'user'] }))
      .then([]);
  });
  it('refuses no roles or an unknown one', () => {
    given([opened])
      .when(update({ roles: [] }))
      .thenThrows(ValidationError, 'ACCOUNTS.INVALID_ROLES');
    given([opened])
      .when(update({ roles: ['root' as never] }))
      .thenThrows(ValidationError, 'ACCOUNTS.INVALID_ROLES');
  });
  it('sets a power level the tier allows', () =>
    given([starterOpened])
      .when(update({ powerLevel: 'eco' }))
      .then([
        {
          type: 'PowerLevelChanged',
          data: { userId: 'u1', powerLevel: 'eco', previousPowerLevel: 'balanced', changedAt: at },
        },
      ]));
  it('refuses a power level the tier does not allow, naming the tier that unlocks it', () => {
    let thrown: unknown;
    try {
      accountDecider.decide(update({ powerLevel: 'precision' }), fold([starterOpened]));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ForbiddenError);
    expect((thrown as ForbiddenError).code).toBe('ACCOUNTS.NOT_ALLOWED_BY_TIER');
    expect((thrown as ForbiddenError).message).toBe(
      'The starter tier does not include the precision power level; the professional tier unlocks it.',
    );
    expect((thrown as ForbiddenError).details.requiredTier).toBe('professional');
  });
  it('checks the power level against the new tier when both change at once', () =>
    given([opened])
      .when(update({ tier: 'professional', powerLevel: 'precision' }))
      .then([
        {
          type: 'TierChanged',
          data: { userId: 'u1', tier: 'professional', previousTier: 'free', changedAt: at },
        },
        {
          type: 'PowerLevelChanged',
          data: { userId: 'u1', powerLevel: 'precision', previousPowerLevel: 'balanced', changedAt: at },
        },
      ]));
  it('a downgrade moves the power level to the nearest one the new tier allows', () => {
    const pro: AccountEvent = {
      type: 'AccountOpened',
      data: { ...openData, tier: 'professional', powerLevel: 'precision', openedAt: at },
    };
    given([pro])
      .when(update({ tier: 'starter' }))
      .then([
        {
          type: 'TierChanged',
          data: { userId: 'u1', tier: 'starter', previousTier: 'professional', changedAt: at },
        },
        {
          type: 'PowerLevelChanged',
          data: { userId: 'u1', powerLevel: 'balanced', previousPowerLevel: 'precision', changedAt: at },
        },
      ]);
  });
  it('sets a monthly cap in micro-dollars, keeping the mode when only the amount is given', () => {
    const capSet: AccountEvent = {
      type: 'SpendingCapSet',
      data: { userId: 'u1', monthlyCapMicros: '5000000', capMode: 'hard', setAt: at },
    };
    given([opened])
      .when(update({ spendingCap: { monthlyCapMicros: '5000000', capMode: 'hard' } }))
      .then([capSet]);
    given([opened, capSet])
      .when(update({ spendingCap: { monthlyCapMicros: null } }))
      .then([
        {
          type: 'SpendingCapSet',
          data: { userId: 'u1', monthlyCapMicros: null, capMode: 'hard', setAt: at },
        },
      ]);
    given([opened, capSet])
      .when(update({ spendingCap: { capMode: 'hard' } }))
      .then([]);
  });
  it.each(['1.5', '-1', '007', '', '99999999999999999999', '9223372036854775808'])(
    'refuses the cap %p',
    (cap) =>
      given([opened])
        .when(update({ spendingCap: { monthlyCapMicros: cap } }))
        .thenThrows(ValidationError, 'ACCOUNTS.INVALID_CAP'),
  );
  it('byokOnly needs a tier with BYOK (403 naming it)', () => {
    given([opened])
      .when(update({ byokOnly: true }))
      .thenThrows(ForbiddenError, 'ACCOUNTS.NOT_ALLOWED_BY_TIER');
    given([starterOpened])
      .when(update({ byokOnly: true }))
      .then([{ type: 'ByokOnlySet', data: { userId: 'u1', byokOnly: true, setAt: at } }]);
  });
  it('a downgrade to a tier without BYOK turns byokOnly off', () => {
    const byokOnly: AccountEvent = { type: 'ByokOnlySet', data: { userId: 'u1', byokOnly: true, setAt: at } };
    given([starterOpened, byokOnly])
      .when(update({ tier: 'free' }))
      .then([
        { type: 'TierChanged', data: { userId: 'u1', tier: 'free', previousTier: 'starter', changedAt: at } },
        {
          type: 'PowerLevelChanged',
          data: { userId: 'u1', powerLevel: 'eco', previousPowerLevel: 'balanced', changedAt: at },
        },
        { type: 'ByokOnlySet', data: { userId: 'u1', byokOnly: false, setAt: at } },
      ]);
  });
  it('sets the low-balance alert on any tier, clears it with null; the same value again records nothing', () => {
    const alertSet = (lowBalanceAlertMicros: string | null): AccountEvent => ({
      type: 'LowBalanceAlertSet',
      data: { userId: 'u1', lowBalanceAlertMicros, setAt: at },
    });
    given([opened])
      .when(update({ lowBalanceAlertMicros: '2000000' }))
      .then([alertSet('2000000')]);
    given([opened, alertSet('2000000')])
      .when(update({ lowBalanceAlertMicros: '2000000' }))
      .then([]);
    given([opened, alertSet('2000000')])
      .when(update({ lowBalanceAlertMicros: null }))
      .then([alertSet(null)]);
    // A new account has none: clearing it is no change.
    given([opened])
      .when(update({ lowBalanceAlertMicros: null }))
      .then([]);
  });
  it('a change of other settings keeps the low-balance alert (absent = unchanged)', () =>
    given([
      opened,
      { type: 'LowBalanceAlertSet', data: { userId: 'u1', lowBalanceAlertMicros: '500000', setAt: at } },
    ])
      .when(update({ powerLevel: 'eco', byokOnly: false }))
      .then([
        {
          type: 'PowerLevelChanged',
          data: { userId: 'u1', powerLevel: 'eco', previousPowerLevel: 'balanced', changedAt: at },
        },
      ]));
  it.each(['1.5', '-1', '007', '', '9223372036854775808'])('refuses the low-balance alert %p', (alert) =>
    given([opened])
      .when(update({ lowBalanceAlertMicros: alert }))
      .thenThrows(ValidationError, 'ACCOUNTS.INVALID_LOW_BALANCE_ALERT'),
  );
  it('disables and enables; doing it twice records it once', () => {
    given([opened])
      .when(update({ disabled: true }))
      .then([disabled]);
    given([opened, disabled])
      .when(update({ disabled: true }))
      .then([]);
    given([opened, disabled])
      .when(update({ disabled: false }))
      .then([{ type: 'AccountEnabled', data: { userId: 'u1', enabledAt: at } }]);
  });
  it('cannot update an account that does not exist', () =>
    given([])
      .when(update({ tier: 'starter' }))
      .thenThrows(NotFoundError, 'ACCOUNTS.ACCOUNT_NOT_FOUND'));
  it('folds every change into the state', () =>
    given([opened])
      .when(
        update({
          tier: 'starter',
          roles: ['admin'],
          byokOnly: true,
          spendingCap: { monthlyCapMicros: '1' },
          lowBalanceAlertMicros: '2000000',
        }),
      )
      .thenState({
        status: 'Open',
        userId: 'u1',
        roles: ['admin'],
        tier: 'starter',
        powerLevel: 'balanced',
        monthlyCapMicros: '1',
        capMode: 'soft',
        byokOnly: true,
        lowBalanceAlertMicros: '2000000',
        disabled: false,
        keys: new Map(),
      }));
});

const fold = (events: AccountEvent[]) => events.reduce(accountDecider.evolve, accountDecider.initialState());

describe('account decider: deletion', () => {
  const del: AccountCommand = { type: 'DeleteAccount', data: { userId: 'u1' }, metadata: { now } };
  const deleted: AccountEvent = { type: 'AccountDeleted', data: { userId: 'u1', deletedAt: at } };

  it('deletes an open account, enabled or disabled, with or without keys', () => {
    given([opened]).when(del).then([deleted]);
    given([opened, issued, disabled]).when(del).then([deleted]);
  });
  it('deleting a deleted account records nothing (a retry finishes the clean-up)', () =>
    given([opened, deleted]).when(del).then([]));
  it('cannot delete an account that does not exist', () =>
    given([]).when(del).thenThrows(NotFoundError, 'ACCOUNTS.ACCOUNT_NOT_FOUND'));
  it('a deleted account keeps only its id in the state', () =>
    given([opened, issued]).when(del).thenState({ status: 'Deleted', userId: 'u1' }));
  it('refuses every other command on a deleted account as if it did not exist', () => {
    for (const command of [issue, revoke, update({ tier: 'starter' }), update({ disabled: false })])
      given([opened, issued, deleted]).when(command).thenThrows(NotFoundError, 'ACCOUNTS.ACCOUNT_NOT_FOUND');
  });
  it('a deleted account cannot be opened again under its id', () =>
    given([opened, deleted]).when(open).thenThrows(IllegalStateError, 'ACCOUNTS.ACCOUNT_DELETED'));
  it('events after a deletion change nothing (folding is total)', () =>
    expect(fold([opened, deleted, issued, disabled])).toEqual({ status: 'Deleted', userId: 'u1' }));
});
