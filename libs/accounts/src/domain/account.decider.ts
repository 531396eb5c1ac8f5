import {
  assertNever,
  IllegalStateError,
  NotFoundError,
  ValidationError,
  upcastTier,
  type Decider,
  type PowerLevel,
  type Role,
  type Tier,
} from '@gw/shared-kernel';
import type { AccountCommand } from './account.commands';
import { rolesOf, type AccountEvent } from './account.events';

export const MAX_ACTIVE_GATEWAY_KEYS = 20;

export type Account =
  | { status: 'None' }
  | {
      status: 'Open';
      userId: string;
      roles: readonly Role[];
      tier: Tier;
      powerLevel: PowerLevel;
      /** keyId → revoked? */
      keys: ReadonlyMap<string, { keyHash: string; revoked: boolean }>;
    };

export const initialState = (): Account => ({ status: 'None' });

export const evolve = (state: Account, event: AccountEvent): Account => {
  switch (event.type) {
    case 'AccountOpened':
      return {
        status: 'Open',
        userId: event.data.userId,
        roles: rolesOf(event.data),
        tier: upcastTier(event.data.tier),
        powerLevel: event.data.powerLevel,
        keys: new Map(),
      };
    case 'GatewayKeyIssued':
      if (state.status !== 'Open') return state;
      return {
        ...state,
        keys: new Map(state.keys).set(event.data.keyId, { keyHash: event.data.keyHash, revoked: false }),
      };
    case 'GatewayKeyRevoked': {
      if (state.status !== 'Open') return state;
      const key = state.keys.get(event.data.keyId);
      if (!key) return state;
      return { ...state, keys: new Map(state.keys).set(event.data.keyId, { ...key, revoked: true }) };
    }
    default:
      return assertNever(event);
  }
};

export const decide = (command: AccountCommand, state: Account): AccountEvent[] => {
  const at = command.metadata.now.toISOString();
  switch (command.type) {
    case 'OpenAccount':
      if (state.status === 'Open')
        throw new IllegalStateError('ACCOUNTS.ALREADY_OPEN', 'The account is already open');
      if (!command.data.email.includes('@'))
        throw new ValidationError('ACCOUNTS.INVALID_EMAIL', 'email must be an email address');
      return [{ type: 'AccountOpened', data: { ...command.data, openedAt: at } }];
    case 'IssueGatewayKey': {
      if (state.status !== 'Open') throw new NotFoundError('ACCOUNTS.ACCOUNT_NOT_FOUND', 'No such account');
      const existing = state.keys.get(command.data.keyId);
      if (existing) {
        if (existing.keyHash === command.data.keyHash) return []; // retried command: already done
        throw new IllegalStateError('ACCOUNTS.KEY_ID_TAKEN', 'A key with this id exists');
      }
      const active = [...state.keys.values()].filter((k) => !k.revoked).length;
      if (active >= MAX_ACTIVE_GATEWAY_KEYS)
        throw new IllegalStateError(
          'ACCOUNTS.TOO_MANY_KEYS',
          `At most ${MAX_ACTIVE_GATEWAY_KEYS} active gateway keys`,
        );
      return [{ type: 'GatewayKeyIssued', data: { ...command.data, issuedAt: at } }];
    }
    case 'RevokeGatewayKey': {
      if (state.status !== 'Open') throw new NotFoundError('ACCOUNTS.ACCOUNT_NOT_FOUND', 'No such account');
      const key = state.keys.get(command.data.keyId);
      if (!key) throw new NotFoundError('ACCOUNTS.KEY_NOT_FOUND', 'No such gateway key');
      if (key.revoked) return [];
      return [{ type: 'GatewayKeyRevoked', data: { ...command.data, revokedAt: at } }];
    }
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
