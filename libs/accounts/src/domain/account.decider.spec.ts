import { IllegalStateError, NotFoundError, ValidationError } from '@gw/shared-kernel';
import { deciderSpec } from '@gw/shared-kernel/testing';
import type { AccountCommand } from './account.commands';
import { accountDecider, MAX_ACTIVE_GATEWAY_KEYS } from './account.decider';
import type { AccountEvent } from './account.events';

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
});
