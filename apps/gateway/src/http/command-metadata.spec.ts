import type { FastifyRequest } from 'fastify';
import type { Principal } from '@gw/accounts';
import type { Role } from '@gw/shared-kernel';
import { commandMetadata, systemMetadata } from './command-metadata';
import { requestIdOf } from '../logging/request-id';

/** A request straight from `ip` (no trusted proxy in front: the peer is the client). */
const request = (headers: Record<string, string>, ip = '203.0.113.7'): FastifyRequest =>
  ({ headers, raw: { socket: { remoteAddress: ip } }, server: {} }) as unknown as FastifyRequest;

const principal = (role: Role): Principal =>
  ({
    userId: 'u-1',
    keyId: 'k-1',
    role,
    roles: [role],
    tier: 'free',
    powerLevel: 'eco',
  }) as unknown as Principal;

describe('commandMetadata', () => {
  it('carries the request id, the actor, the address and the user agent', () => {
    const req = request({ 'user-agent': 'curl/8.5' });
    expect(commandMetadata(req, principal('user'))).toEqual({
      correlationId: requestIdOf(req),
      actorId: 'u-1',
      actorKind: 'user',
      tenantId: 'u-1',
      sourceIp: '203.0.113.7',
      userAgent: 'curl/8.5',
    });
  });

  it('names an admin as such', () => {
    expect(commandMetadata(request({}), principal('admin')).actorKind).toBe('admin');
  });

  it('bounds the user agent and leaves out an absent one', () => {
    expect(
      commandMetadata(request({ 'user-agent': 'x'.repeat(5000) }), principal('user')).userAgent,
    ).toHaveLength(256);
    expect(commandMetadata(request({}), principal('user'))).not.toHaveProperty('userAgent');
  });

  it('marks the gateway’s own events as system', () => {
    expect(systemMetadata('c-1')).toEqual({ correlationId: 'c-1', actorId: 'system', actorKind: 'system' });
  });
});
