import type { RecordedEvent } from '@gw/shared-kernel';
import { AccessDirectory } from './access-directory';

let position = 0n;
const revisions = new Map<string, bigint>();
/** Each call is the next event of its account stream (replaying the same object repeats its revision). */
const recorded = (type: string, data: Record<string, unknown>): RecordedEvent => {
  position += 1n;
  const streamId = `account-${String(data.userId)}`;
  const revision = (revisions.get(streamId) ?? -1n) + 1n;
  revisions.set(streamId, revision);
  return {
    id: `e${position}`,
    type,
    version: 1,
    data,
    metadata: { correlationId: 'c', actorId: 'system' },
    occurredAt: new Date(),
    streamId,
    revision,
    position: { commit: position, prepare: position },
  };
};

describe('AccessDirectory', () => {
  const opened = recorded('AccountOpened', {
    userId: 'u1',
    email: 'a@b.c',
    displayName: 'A',
    role: 'admin',
    tier: 'pro',
    powerLevel: 'eco',
    openedAt: '',
  });
  const issued = recorded('GatewayKeyIssued', {
    userId: 'u1',
    keyId: 'k1',
    name: 'n',
    keyHash: 'hash1',
    maskedKey: 'm',
    issuedAt: '',
  });
  const revoked = recorded('GatewayKeyRevoked', { userId: 'u1', keyId: 'k1', revokedAt: '' });

  it("resolves a key hash to its principal; a first-version event (one role, tier pro) in today's words", () => {
    const d = new AccessDirectory();
    [opened, issued].forEach((e) => d.apply(e));
    expect(d.principalForKeyHash('hash1')).toEqual({
      userId: 'u1',
      keyId: 'k1',
      roles: ['admin'],
      tier: 'professional',
      powerLevel: 'eco',
      byokOnly: false,
    });
    expect(d.principalForKeyHash('other')).toBeUndefined();
  });

  it('names a key to its owner, revoked too, and to no one else (usage by key)', () => {
    const d = new AccessDirectory();
    [opened, issued].forEach((e) => d.apply(e));
    expect(d.keyOf('u1', 'k1')).toEqual({ name: 'n', maskedKey: 'm', revoked: false });
    d.apply(revoked);
    expect(d.keyOf('u1', 'k1')).toEqual({ name: 'n', maskedKey: 'm', revoked: true });
    expect(d.keyOf('u2', 'k1')).toBeUndefined();
    expect(d.keyOf('u1', 'unknown')).toBeUndefined();
  });

  it('forgets a revoked key', () => {
    const d = new AccessDirectory();
    [opened, issued, revoked].forEach((e) => d.apply(e));
    expect(d.principalForKeyHash('hash1')).toBeUndefined();
  });

  it('applying the same events twice gives the same answers (safe replay of an overlap)', () => {
    const d = new AccessDirectory();
    [opened, issued, revoked, opened, issued, revoked].forEach((e) => d.apply(e));
    expect(d.principalForKeyHash('hash1')).toBeUndefined();
    expect(d.accountCount()).toBe(1);
  });

  it('ignores events of other contexts', () => {
    const d = new AccessDirectory();
    d.apply(recorded('UsageRecorded', { userId: 'u1' }));
    expect(d.accountCount()).toBe(0);
  });

  const u2 = (type: string, data: Record<string, unknown> = {}): RecordedEvent =>
    recorded(type, { userId: 'u2', ...data });

  it('follows tier, roles, power level, cap, byokOnly, low-balance alert and disabled; a disabled account has no principal', () => {
    const d = new AccessDirectory();
    const events = [
      u2('AccountOpened', {
        displayName: 'Bo',
        tier: 'free',
        roles: ['user'],
        powerLevel: 'eco',
        openedAt: 't0',
      }),
      u2('GatewayKeyIssued', {
        keyId: 'k2',
        name: 'n',
        keyHash: 'hash2',
        maskedKey: 'sk-sy-ab…yz',
        issuedAt: 't1',
      }),
      u2('TierChanged', { tier: 'starter', previousTier: 'free', changedAt: '' }),
      u2('RolesChanged', { roles: ['user', 'auditor'], previousRoles: ['user'], changedAt: '' }),
      u2('PowerLevelChanged', { powerLevel: 'balanced', previousPowerLevel: 'eco', changedAt: '' }),
      u2('SpendingCapSet', { monthlyCapMicros: '5000000', capMode: 'hard', setAt: '' }),
      u2('ByokOnlySet', { byokOnly: true, setAt: '' }),
      u2('LowBalanceAlertSet', { lowBalanceAlertMicros: '2000000', setAt: '' }),
    ];
    events.forEach((e) => d.apply(e));
    expect(d.principalForKeyHash('hash2')).toEqual({
      userId: 'u2',
      keyId: 'k2',
      roles: ['user', 'auditor'],
      tier: 'starter',
      powerLevel: 'balanced',
      byokOnly: true,
    });
    expect(d.account('u2')).toMatchObject({
      name: 'Bo',
      monthlyCapMicros: '5000000',
      capMode: 'hard',
      lowBalanceAlertMicros: '2000000',
    });
    expect(d.accountRevision('u2')).toBe(7n);

    const disabled = u2('AccountDisabled', { disabledAt: '' });
    d.apply(disabled);
    expect(d.hasActiveKey('hash2')).toBe(false);
    expect(() => d.principalForKeyHash('hash2')).toThrow(
      expect.objectContaining({ code: 'AUTH.ACCOUNT_DISABLED', kind: 'forbidden' }),
    );
    expect(d.principalForUser('u2', 'token')).toBeUndefined();
    d.apply(u2('AccountEnabled', { enabledAt: '' }));
    expect(d.principalForKeyHash('hash2')?.tier).toBe('starter');

    // An overlap replayed (older revisions) changes nothing.
    events.forEach((e) => d.apply(e));
    d.apply(disabled);
    expect(d.principalForKeyHash('hash2')?.tier).toBe('starter');
  });

  it('lists active keys masked, with the last use this instance saw', () => {
    const d = new AccessDirectory();
    d.apply(u2('AccountOpened', { displayName: 'Bo', tier: 'free', powerLevel: 'eco', openedAt: 't0' }));
    d.apply(
      u2('GatewayKeyIssued', { keyId: 'k3', name: 'ci', keyHash: 'hash3', maskedKey: 'm3', issuedAt: 't1' }),
    );
    expect(d.activeKeys('u2')).toEqual([
      { id: 'k3', name: 'ci', maskedKey: 'm3', createdAt: 't1', lastUsedAt: null },
    ]);
    expect(d.hasActiveKey('hash3')).toBe(true);
    expect(d.activeKeys('u2')[0]!.lastUsedAt).toBeNull(); // asking is not using
    d.principalForKeyHash('hash3', Date.parse('2026-12-01T10:00:00.000Z'));
    expect(d.activeKeys('u2')[0]!.lastUsedAt).toBe('2026-12-01T10:00:00.000Z');
    expect(d.keyOwner('k3')).toEqual({ userId: 'u2', revoked: false });
  });

  it('forgets a deleted account and its keys at once; a replayed overlap never brings them back', () => {
    const d = new AccessDirectory();
    const u3 = (type: string, data: Record<string, unknown> = {}): RecordedEvent =>
      recorded(type, { userId: 'u3', ...data });
    const history = [
      u3('AccountOpened', {
        displayName: 'Del',
        username: 'del',
        tier: 'starter',
        roles: ['user'],
        powerLevel: 'eco',
        openedAt: 't0',
      }),
      u3('GatewayKeyIssued', { keyId: 'k4', name: 'a', keyHash: 'hash4', maskedKey: 'm', issuedAt: '' }),
      u3('GatewayKeyIssued', { keyId: 'k5', name: 'b', keyHash: 'hash5', maskedKey: 'm', issuedAt: '' }),
      u3('AccountDisabled', { disabledAt: '' }),
    ];
    history.forEach((e) => d.apply(e));
    d.apply(u2('AccountOpened', { displayName: 'Bo', tier: 'free', powerLevel: 'eco', openedAt: 't0' }));
    expect(() => d.principalForKeyHash('hash4')).toThrow(expect.objectContaining({ kind: 'forbidden' }));
    const deleted = u3('AccountDeleted', { deletedAt: '' });
    d.apply(deleted);

    // Its keys are unknown keys now (a 401, not the disabled account's 403), its tokens have no principal.
    for (const hash of ['hash4', 'hash5']) {
      expect(d.principalForKeyHash(hash)).toBeUndefined();
      expect(d.hasActiveKey(hash)).toBe(false);
    }
    expect(d.principalForUser('u3', 'token')).toBeUndefined();
    expect(d.account('u3')).toBeUndefined();
    expect(d.accountByUsername('del')).toBeUndefined();
    expect(d.activeKeys('u3')).toEqual([]);
    expect(d.keyOwner('k4')).toBeUndefined();
    expect([...d.allAccounts()].map((a) => a.userId)).toEqual(['u2']);
    expect(d.accountCount()).toBe(1);
    expect(d.isDeleted('u3')).toBe(true);
    expect(d.isDeleted('u2')).toBe(false);
    // Commands wait for the deletion's revision.
    expect(d.accountRevision('u3')).toBe(deleted.revision);

    [...history, deleted].forEach((e) => d.apply(e));
    expect(d.account('u3')).toBeUndefined();
    expect(d.principalForKeyHash('hash4')).toBeUndefined();
    expect(d.accountRevision('u3')).toBe(deleted.revision);
  });

  it('folds the tier policy by version', () => {
    const d = new AccessDirectory();
    expect(d.tierPolicy().free.powerLevels).toEqual(['eco']);
    const policy = (version: number, free: string[]): RecordedEvent => ({
      ...recorded('TierPolicyChanged', { userId: 'x' }),
      streamId: 'tier-policy',
      data: {
        version,
        tiers: { free: { powerLevels: free, byok: { allowed: false, keysPerProvider: 0 } } },
        changedBy: 'a',
        changedAt: '',
      },
    });
    d.apply(policy(2, ['eco', 'balanced']));
    d.apply(policy(1, ['precision'])); // older: ignored
    expect(d.tierPolicy().free.powerLevels).toEqual(['eco', 'balanced']);
    expect(d.tierPolicy().starter.powerLevels).toEqual(['eco', 'balanced']); // absent tiers keep the defaults
    expect(d.tierPolicyVersion()).toBe(2);
  });
});
