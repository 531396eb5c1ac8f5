import type { CommandBus } from '@nestjs/cqrs';
import pino from 'pino';
import { AccessDirectory, InMemorySessionRevocations, OpenAccountCommand, subjectUserId } from '@gw/accounts';
import { IllegalStateError, type RecordedEvent } from '@gw/shared-kernel';
import type { AccessTokenVerifier, VerifiedToken } from './access-token-verifiers';
import { invalidToken } from './auth.errors';
import { hashToken, looksLikeJwt, TokenAuthenticator } from './token-authenticator';

const logger = pino({ level: 'silent' });
const issuer = 'https://idp.example/realms/a';

const opened = (userId: string, roles: string[] = ['user']): RecordedEvent => ({
  id: `e-${userId}`,
  type: 'AccountOpened',
  version: 1,
  data: {
    userId,
    email: 'a@b.c',
    displayName: 'A',
    roles,
    tier: 'starter',
    powerLevel: 'balanced',
    openedAt: '',
  },
  metadata: { correlationId: 'c', actorId: 'system' },
  occurredAt: new Date(),
  streamId: `account-${userId}`,
  revision: 0n,
  position: { commit: 1n, prepare: 1n },
});

const oidcToken = (sub: string, roles = ['user']): VerifiedToken => ({
  userId: subjectUserId(issuer, sub),
  roles: roles as VerifiedToken['roles'],
  expiresAt: Date.now() + 60_000,
  profile: { email: `${sub}@example.com`, displayName: sub },
});

function setup(verify: (token: string) => Promise<VerifiedToken>) {
  const directory = new AccessDirectory();
  const revocations = new InMemorySessionRevocations();
  const executed: unknown[] = [];
  let execute: (command: unknown) => Promise<unknown> = (command) => {
    executed.push(command);
    return Promise.resolve({});
  };
  const commands = { execute: (c: unknown) => execute(c) } as unknown as CommandBus;
  let verifications = 0;
  const verifier: AccessTokenVerifier = {
    verify: (token) => {
      verifications += 1;
      return verify(token);
    },
  };
  const auth = new TokenAuthenticator(verifier, directory, commands, logger, revocations);
  return {
    auth,
    directory,
    revocations,
    executed,
    verifications: () => verifications,
    failCommandsWith: (f: (command: unknown) => Promise<unknown>) => {
      execute = (command) => {
        executed.push(command);
        return f(command);
      };
    },
  };
}

describe('TokenAuthenticator', () => {
  it('tells JWTs from gateway keys by shape', () => {
    expect(looksLikeJwt('eyJh.eyJz.sig')).toBe(true);
    expect(looksLikeJwt('sk-sy-abc')).toBe(false);
    expect(looksLikeJwt('a.b')).toBe(false);
    expect(looksLikeJwt('a..b')).toBe(false);
    expect(looksLikeJwt('.a.b')).toBe(false);
    expect(looksLikeJwt('a.b.c.d')).toBe(false);
  });

  it('verifies a token once, then answers from the cache', async () => {
    const t = setup(async () => oidcToken('alice'));
    const userId = subjectUserId(issuer, 'alice');
    t.directory.apply(opened(userId));
    const token = 'h.p.s';
    expect(t.auth.cached(hashToken(token))).toBeUndefined();
    const principal = await t.auth.authenticate(token, hashToken(token));
    expect(principal).toMatchObject({ userId, roles: ['user'], tier: 'starter', powerLevel: 'balanced' });
    expect(t.auth.cached(hashToken(token))).toEqual(principal);
    await t.auth.authenticate(token, hashToken(token));
    expect(t.verifications()).toBe(1);
    expect(t.executed).toEqual([]);
  });

  it("a deleted account's token is refused at once, cached or not, and never reopens the account", async () => {
    const t = setup(async () => oidcToken('dora'));
    const userId = subjectUserId(issuer, 'dora');
    t.directory.apply(opened(userId));
    const token = 'h.p.s';
    await t.auth.authenticate(token, hashToken(token));
    t.directory.apply({
      ...opened(userId),
      id: `d-${userId}`,
      type: 'AccountDeleted',
      data: { userId, deletedAt: '' },
      revision: 1n,
    });
    expect(t.auth.cached(hashToken(token))).toBeUndefined();
    await expect(t.auth.authenticate(token, hashToken(token))).rejects.toEqual(invalidToken());
    await expect(t.auth.authenticate('n.e.w', hashToken('n.e.w'))).rejects.toEqual(invalidToken());
    expect(t.executed).toEqual([]);
  });

  it('a token of a revoked session is refused, from the cache too; other sessions are not', async () => {
    const userId = 'local-user';
    const t = setup(async (token) => ({
      userId,
      expiresAt: Date.now() + 60_000,
      sessionId: token === 'a.b.c' ? 'session-a' : 'session-b',
      signedInAt: Date.now(),
    }));
    t.directory.apply(opened(userId));
    const principal = await t.auth.authenticate('a.b.c', hashToken('a.b.c'));
    expect(principal).toMatchObject({ userId, keyId: 'access-token', signedInAt: expect.any(Number) });
    await t.auth.authenticate('x.y.z', hashToken('x.y.z'));
    expect(t.auth.cached(hashToken('a.b.c'))).toBeDefined();
    await t.revocations.revoke('session-a', Date.now() + 60_000);
    expect(() => t.auth.cached(hashToken('a.b.c'))).toThrow(invalidToken());
    await expect(t.auth.authenticate('a.b.c', hashToken('a.b.c'))).rejects.toEqual(invalidToken());
    expect(t.auth.cached(hashToken('x.y.z'))).toMatchObject({ userId });
  });

  it("the token's roles count for OIDC callers, not the account's", async () => {
    const t = setup(async () => oidcToken('bob', ['admin']));
    const userId = subjectUserId(issuer, 'bob');
    t.directory.apply(opened(userId, ['user']));
    const principal = await t.auth.authenticate('h.p.s', hashToken('h.p.s'));
    expect(principal.roles).toEqual(['admin']);
  });

  it('opens the account of a new subject once for concurrent first requests', async () => {
    const t = setup(async () => oidcToken('carol'));
    const results = await Promise.all(
      ['a.b.c', 'd.e.f', 'g.h.i'].map((tk) => t.auth.authenticate(tk, hashToken(tk))),
    );
    const opens = t.executed.filter((c) => c instanceof OpenAccountCommand);
    expect(opens).toHaveLength(1);
    expect((opens[0] as OpenAccountCommand).data).toMatchObject({
      userId: subjectUserId(issuer, 'carol'),
      roles: ['user'],
      tier: 'free',
      powerLevel: 'eco',
    });
    expect(results.every((p) => p.userId === subjectUserId(issuer, 'carol') && p.tier === 'free')).toBe(true);
  });

  it('"already open" (another instance won the race) is success', async () => {
    const t = setup(async () => oidcToken('dave'));
    t.failCommandsWith(() =>
      Promise.reject(new IllegalStateError('ACCOUNTS.ALREADY_OPEN', 'The account is already open')),
    );
    const principal = await t.auth.authenticate('a.b.c', hashToken('a.b.c'));
    expect(principal.userId).toBe(subjectUserId(issuer, 'dave'));
  });

  it('another failure to open the account fails the request, and nothing is cached', async () => {
    const t = setup(async () => oidcToken('erin'));
    t.failCommandsWith(() => Promise.reject(new Error('store down')));
    await expect(t.auth.authenticate('a.b.c', hashToken('a.b.c'))).rejects.toThrow('store down');
    expect(t.auth.cached(hashToken('a.b.c'))).toBeUndefined();
  });

  it('a refused token is not cached', async () => {
    const t = setup(async () => {
      throw invalidToken();
    });
    await expect(t.auth.authenticate('a.b.c', hashToken('a.b.c'))).rejects.toMatchObject({
      code: 'AUTH.INVALID_TOKEN',
    });
    await expect(t.auth.authenticate('a.b.c', hashToken('a.b.c'))).rejects.toMatchObject({
      code: 'AUTH.INVALID_TOKEN',
    });
    expect(t.verifications()).toBe(2);
  });

  it("a gateway-signed token for an unknown account is refused; the account's own roles count", async () => {
    const t = setup(async (token) => ({
      userId: token === 'k.n.o' ? 'known' : 'gone',
      expiresAt: Date.now() + 60_000,
    }));
    t.directory.apply(opened('known', ['auditor']));
    expect((await t.auth.authenticate('k.n.o', hashToken('k.n.o'))).roles).toEqual(['auditor']);
    await expect(t.auth.authenticate('g.o.n', hashToken('g.o.n'))).rejects.toMatchObject({
      code: 'AUTH.INVALID_TOKEN',
    });
    expect(t.executed).toEqual([]);
  });
});
