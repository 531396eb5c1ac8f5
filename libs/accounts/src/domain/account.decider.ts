import {
  assertNever,
  IllegalStateError,
  isPowerLevel,
  isRole,
  isTier,
  NotFoundError,
  ValidationError,
  upcastTier,
  type Decider,
  type PowerLevel,
  type Role,
  type Tier,
} from '@gw/shared-kernel';
import type { AccountChanges, AccountCommand, UpdateAccount } from './account.commands';
import { rolesOf, type AccountEvent, type CapMode } from './account.events';
import { fittingPowerLevel, notUnlockedByTier } from './tier-policy';

export const MAX_ACTIVE_GATEWAY_KEYS = 20;
/** The largest cap a Postgres bigint holds (micro-dollars). */
const MAX_MICROS = 9_223_372_036_854_775_807n;

export type Account =
  | { status: 'None' }
  | {
      status: 'Open';
      userId: string;
      roles: readonly Role[];
      tier: Tier;
      powerLevel: PowerLevel;
      monthlyCapMicros: string | null;
      capMode: CapMode;
      byokOnly: boolean;
      lowBalanceAlertMicros: string | null;
      disabled: boolean;
      /** keyId → revoked? */
      keys: ReadonlyMap<string, { keyHash: string; revoked: boolean }>;
    }
  /** Deleted for good: no command changes it again (its id is never reused). */
  | { status: 'Deleted'; userId: string };

export const initialState = (): Account => ({ status: 'None' });

export const evolve = (state: Account, event: AccountEvent): Account => {
  if (event.type === 'AccountOpened')
    return {
      status: 'Open',
      userId: event.data.userId,
      roles: rolesOf(event.data),
      tier: upcastTier(event.data.tier),
      powerLevel: event.data.powerLevel,
      monthlyCapMicros: null,
      capMode: 'soft',
      byokOnly: false,
      lowBalanceAlertMicros: null,
      disabled: false,
      keys: new Map(),
    };
  if (state.status !== 'Open') return state;
  switch (event.type) {
    case 'TierChanged':
      return { ...state, tier: upcastTier(event.data.tier) };
    case 'RolesChanged':
      return { ...state, roles: event.data.roles };
    case 'PowerLevelChanged':
      return { ...state, powerLevel: event.data.powerLevel };
    case 'SpendingCapSet':
      return { ...state, monthlyCapMicros: event.data.monthlyCapMicros, capMode: event.data.capMode };
    case 'ByokOnlySet':
      return { ...state, byokOnly: event.data.byokOnly };
    case 'LowBalanceAlertSet':
      return { ...state, lowBalanceAlertMicros: event.data.lowBalanceAlertMicros };
    case 'AccountDisabled':
      return { ...state, disabled: true };
    case 'AccountEnabled':
      return { ...state, disabled: false };
    case 'AccountDeleted':
      return { status: 'Deleted', userId: state.userId };
    case 'GatewayKeyIssued':
      return {
        ...state,
        keys: new Map(state.keys).set(event.data.keyId, { keyHash: event.data.keyHash, revoked: false }),
      };
    case 'GatewayKeyRevoked': {
      const key = state.keys.get(event.data.keyId);
      if (!key) return state;
      return { ...state, keys: new Map(state.keys).set(event.data.keyId, { ...key, revoked: true }) };
    }
    default:
      return assertNever(event);
  }
};

type OpenState = Extract<Account, { status: 'Open' }>;

/** A deleted account looks like one that never was: every command on it is a 404. */
const requireOpen = (state: Account): OpenState => {
  if (state.status !== 'Open') throw new NotFoundError('ACCOUNTS.ACCOUNT_NOT_FOUND', 'No such account');
  return state;
};

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x) => b.includes(x));

function validateChanges(changes: AccountChanges): void {
  if (changes.tier !== undefined && !isTier(changes.tier))
    throw new ValidationError(
      'ACCOUNTS.INVALID_TIER',
      'tier must be free, starter, professional or enterprise',
      {
        param: 'tier',
      },
    );
  if (changes.roles !== undefined) {
    if (changes.roles.length === 0 || !changes.roles.every(isRole))
      throw new ValidationError(
        'ACCOUNTS.INVALID_ROLES',
        'roles must list one or more of user, admin, auditor',
        {
          param: 'roles',
        },
      );
  }
  if (changes.powerLevel !== undefined && !isPowerLevel(changes.powerLevel))
    throw new ValidationError(
      'ACCOUNTS.INVALID_POWER_LEVEL',
      'powerLevel must be eco, balanced or precision',
      {
        param: 'powerLevel',
      },
    );
  const cap = changes.spendingCap?.monthlyCapMicros;
  if (cap !== undefined && cap !== null && !isMicros(cap))
    throw new ValidationError(
      'ACCOUNTS.INVALID_CAP',
      'monthlyCapMicros must be a whole number of micro-dollars as a string (e.g. "5000000" for $5), or null for no cap',
      { param: 'monthlyCapMicros' },
    );
  const alert = changes.lowBalanceAlertMicros;
  if (alert !== undefined && alert !== null && !isMicros(alert))
    throw new ValidationError(
      'ACCOUNTS.INVALID_LOW_BALANCE_ALERT',
      'lowBalanceAlertMicros must be a whole number of micro-dollars as a string (e.g. "2000000" for $2), or null for no alert',
      { param: 'lowBalanceAlertMicros' },
    );
}

/** A whole, non-negative number of micro-dollars that a Postgres bigint holds. */
const isMicros = (s: string): boolean => /^(0|[1-9]\d{0,18})$/.test(s) && BigInt(s) <= MAX_MICROS;

/** The events one UpdateAccount causes, in the order they apply (a new tier first: later checks use it). */
function update(command: UpdateAccount, state: OpenState, at: string): AccountEvent[] {
  const { changes, tierPolicy, userId } = command.data;
  validateChanges(changes);
  const events: AccountEvent[] = [];
  const tier = changes.tier ?? state.tier;
  if (tier !== state.tier)
    events.push({ type: 'TierChanged', data: { userId, tier, previousTier: state.tier, changedAt: at } });
  const roles = changes.roles && [...new Set(changes.roles)];
  if (roles !== undefined && !sameSet(roles, state.roles)) {
    events.push({
      type: 'RolesChanged',
      data: { userId, roles, previousRoles: [...state.roles], changedAt: at },
    });
  }
  const wanted = changes.powerLevel;
  if (wanted !== undefined && !tierPolicy[tier].powerLevels.includes(wanted))
    throw notUnlockedByTier(tierPolicy, tier, `the ${wanted} power level`, (r) =>
      r.powerLevels.includes(wanted),
    );
  // A new tier keeps the power level if it allows it, else the nearest level it allows.
  const tierChanged = tier !== state.tier;
  const powerLevel =
    wanted ?? (tierChanged ? fittingPowerLevel(tierPolicy, tier, state.powerLevel) : state.powerLevel);
  if (powerLevel !== state.powerLevel)
    events.push({
      type: 'PowerLevelChanged',
      data: { userId, powerLevel, previousPowerLevel: state.powerLevel, changedAt: at },
    });
  if (changes.spendingCap) {
    const monthlyCapMicros =
      changes.spendingCap.monthlyCapMicros === undefined
        ? state.monthlyCapMicros
        : changes.spendingCap.monthlyCapMicros;
    const capMode = changes.spendingCap.capMode ?? state.capMode;
    if (monthlyCapMicros !== state.monthlyCapMicros || capMode !== state.capMode)
      events.push({ type: 'SpendingCapSet', data: { userId, monthlyCapMicros, capMode, setAt: at } });
  }
  const byokAllowed = tierPolicy[tier].byok.allowed;
  if (changes.byokOnly === true && !byokAllowed)
    throw notUnlockedByTier(tierPolicy, tier, 'bringing your own provider keys', (r) => r.byok.allowed);
  // A new tier without BYOK cannot keep byokOnly: its requests could never be served.
  const byokOnly = tierChanged && !byokAllowed ? false : (changes.byokOnly ?? state.byokOnly);
  if (byokOnly !== state.byokOnly)
    events.push({ type: 'ByokOnlySet', data: { userId, byokOnly, setAt: at } });
  const alert = changes.lowBalanceAlertMicros;
  if (alert !== undefined && alert !== state.lowBalanceAlertMicros)
    events.push({ type: 'LowBalanceAlertSet', data: { userId, lowBalanceAlertMicros: alert, setAt: at } });
  if (changes.disabled === true && !state.disabled)
    events.push({ type: 'AccountDisabled', data: { userId, disabledAt: at } });
  if (changes.disabled === false && state.disabled)
    events.push({ type: 'AccountEnabled', data: { userId, enabledAt: at } });
  return events;
}

export const decide = (command: AccountCommand, state: Account): AccountEvent[] => {
  const at = command.metadata.now.toISOString();
  switch (command.type) {
    case 'OpenAccount': {
      if (state.status === 'Open')
        throw new IllegalStateError('ACCOUNTS.ALREADY_OPEN', 'The account is already open');
      if (state.status === 'Deleted')
        throw new IllegalStateError('ACCOUNTS.ACCOUNT_DELETED', 'This account was deleted; it cannot reopen');
      const { email, username, ...rest } = command.data;
      if (email !== undefined && !email.includes('@'))
        throw new ValidationError('ACCOUNTS.INVALID_EMAIL', 'email must be an email address');
      if (command.data.displayName.trim().length === 0)
        throw new ValidationError('ACCOUNTS.INVALID_NAME', 'name must not be empty', { param: 'name' });
      return [
        {
          type: 'AccountOpened',
          data: {
            ...rest,
            ...(email !== undefined && { email }),
            ...(username !== undefined && { username }),
            openedAt: at,
          },
        },
      ];
    }
    case 'IssueGatewayKey': {
      const open = requireOpen(state);
      const existing = open.keys.get(command.data.keyId);
      if (existing) {
        if (existing.keyHash === command.data.keyHash) return []; // retried command: already done
        throw new IllegalStateError('ACCOUNTS.KEY_ID_TAKEN', 'A key with this id exists');
      }
      if (open.disabled)
        throw new IllegalStateError('ACCOUNTS.ACCOUNT_DISABLED', 'The account is disabled: enable it first');
      const active = [...open.keys.values()].filter((k) => !k.revoked).length;
      if (active >= MAX_ACTIVE_GATEWAY_KEYS)
        throw new IllegalStateError(
          'ACCOUNTS.TOO_MANY_KEYS',
          `At most ${MAX_ACTIVE_GATEWAY_KEYS} active gateway keys`,
        );
      return [{ type: 'GatewayKeyIssued', data: { ...command.data, issuedAt: at } }];
    }
    case 'RevokeGatewayKey': {
      const key = requireOpen(state).keys.get(command.data.keyId);
      if (!key) throw new NotFoundError('ACCOUNTS.KEY_NOT_FOUND', 'No such gateway key');
      if (key.revoked) return [];
      return [{ type: 'GatewayKeyRevoked', data: { ...command.data, revokedAt: at } }];
    }
    case 'UpdateAccount':
      return update(command, requireOpen(state), at);
    case 'DeleteAccount':
      if (state.status === 'Deleted') return []; // done before: the caller finishes the clean-up
      requireOpen(state);
      return [{ type: 'AccountDeleted', data: { userId: command.data.userId, deletedAt: at } }];
    default:
      return assertNever(command);
  }
};

export const accountDecider: Decider<AccountCommand, AccountEvent, Account> = {
  initialState,
  evolve,
  decide,
};

export const toAccountStreamId = (userId: string): string => `account-${userId}`;
