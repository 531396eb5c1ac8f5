import type { RecordedEvent } from '@gw/shared-kernel';
import { AccessDirectory } from './access-directory';

let position = 0n;
const recorded = (type: string, data: Record<string, unknown>): RecordedEvent => {
  position += 1n;
  return {
    id: `e${position}`,
    type,
    version: 1,
    data,
    metadata: { correlationId: 'c', actorId: 'system' },
    occurredAt: new Date(),
    streamId: `account-${String(data.userId)}`,
    revision: 0n,
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
    });
    expect(d.principalForKeyHash('other')).toBeUndefined();
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
});
