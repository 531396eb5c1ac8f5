import type { AuditStreamEntry, AuditStreamView } from './audit-api';

export const USER_ID = '0b5f1c2e-1111-4222-8333-944455556666';
export const KEYS_STREAM = `keys-${USER_ID}`;

export const entry: AuditStreamEntry = {
  streamId: KEYS_STREAM,
  category: 'keys',
  user: { id: USER_ID, name: 'Demo User', username: 'demo', email: 'demo@example.test' },
};

const event = (revision: number, type: string, data: Record<string, unknown>) => ({
  revision,
  id: `e${revision}`,
  type,
  version: 1,
  occurredAt: `2026-12-07T01:0${revision}:00.000Z`,
  metadata: {
    correlationId: `corr-${revision}`,
    actorId: USER_ID,
    actorKind: 'user' as const,
    sourceIp: '127.0.0.1',
    userAgent: 'Mozilla/5.0 test',
    chain: { alg: 'hmac-sha256' as const, prev: null, hash: 'a'.repeat(64) },
  },
  data,
});

export const verified: AuditStreamView = {
  streamId: KEYS_STREAM,
  events: [
    event(0, 'KeyAdded', { keyId: 'k1', provider: 'mock-swift', maskedKey: 'sk-…wxyz' }),
    event(1, 'KeyValidated', { keyId: 'k1' }),
    event(2, 'KeyLabelChanged', { keyId: 'k1', label: 'renamed' }),
  ],
  chain: {
    verified: true,
    events: 3,
    firstBreak: null,
    keyedLinks: 3,
    unkeyedLinks: 0,
    checkpoint: { revision: 2, signedAt: '2026-12-07T01:05:00.000Z' },
  },
};

export const broken: AuditStreamView = {
  ...verified,
  chain: { ...verified.chain, verified: false, firstBreak: { revision: 1, reason: 'hash_mismatch' } },
};
