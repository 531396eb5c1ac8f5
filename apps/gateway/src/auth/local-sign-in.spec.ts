import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import pino from 'pino';
import {
  AccessDirectory,
  InMemorySessionRevocations,
  type LocalCredentials,
  type RefreshOutcome,
  type RefreshTokens,
} from '@gw/accounts';
import { ConfiguredSecret } from '@gw/platform';
import type { RecordedEvent } from '@gw/shared-kernel';
import { SESSION_TOKEN_MAX_LIFE_MS, SessionTokens } from './access-token-verifiers';
import { TooManySignInAttemptsError } from './auth.errors';
import { LocalSignIn } from './local-sign-in';
import { loadSessionSigningKey } from './session-signing-key';

const USER_ID = 'user-1';
const PASSWORD = 'the-right-password';

const opened: RecordedEvent = {
  id: 'e-1',
  type: 'AccountOpened',
  version: 1,
  data: {
    userId: USER_ID,
    email: 'a@b.c',
    displayName: 'A',
    roles: ['user'],
    tier: 'starter',
    powerLevel: 'balanced',
    openedAt: '',
  },
  metadata: { correlationId: 'c', actorId: 'system' },
  occurredAt: new Date(),
  streamId: `account-${USER_ID}`,
  revision: 0n,
  position: { commit: 1n, prepare: 1n },
};

/** Password checks that answer only when the test lets them, counted. */
class GatedCredentials implements LocalCredentials {
  checks = 0;
  private readonly waiting: Array<() => void> = [];
  async set(): Promise<void> {}
  async remove(): Promise<void> {}
  async verify(username: string, password: string): Promise<string | undefined> {
    this.checks += 1;
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    return username === 'alice' && password === PASSWORD ? USER_ID : undefined;
  }
  async verifyUser(userId: string, password: string): Promise<boolean> {
    return (await this.verify(userId === USER_ID ? 'alice' : '', password)) !== undefined;
  }
  releaseAll(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

async function setup() {
  let now = Date.parse('2026-12-06T12:00:00Z');
  const credentials = new GatedCredentials();
  const directory = new AccessDirectory();
  directory.apply(opened);
  const revocations = new InMemorySessionRevocations(() => now);
  let families = 0;
  const outcomes: RefreshOutcome[] = [];
  const refreshTokens = {
    issue: async () => ({ token: `rt-${++families}`, familyId: `family-${families}`, signedInAt: now }),
    rotate: async () => outcomes.shift() ?? { kind: 'invalid' },
    revokeFamilyOf: async (token: string) => token.replace('rt-', 'family-'),
    prune: async () => 0,
  } as unknown as RefreshTokens;
  const key = await loadSessionSigningKey(new ConfiguredSecret(randomBytes(32).toString('base64')), tmpdir());
  const sessions = new SessionTokens(key, () => now);
  const signIn = new LocalSignIn(
    credentials,
    refreshTokens,
    sessions,
    directory,
    pino({ level: 'silent' }),
    revocations,
    () => now,
  );
  return {
    signIn,
    credentials,
    revocations,
    sessions,
    outcomes,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** Starts `n` attempts at once, lets every password check answer, and sorts the outcomes. */
async function burst(
  signIn: LocalSignIn,
  credentials: GatedCredentials,
  attempt: (i: number) => [string, string, string],
  n = 40,
) {
  const settled = Promise.allSettled(Array.from({ length: n }, (_, i) => signIn.login(...attempt(i))));
  // every attempt has reached its password check or been refused before it
  await new Promise((resolve) => setImmediate(resolve));
  credentials.releaseAll();
  const results = await settled;
  const refused = results.filter(
    (r): r is PromiseRejectedResult =>
      r.status === 'rejected' && r.reason instanceof TooManySignInAttemptsError,
  );
  return { results, refused };
}

describe('LocalSignIn', () => {
  it('40 wrong passwords at once for one user from one address: 5 password checks, 35 refused with a Retry-After', async () => {
    const { signIn, credentials } = await setup();
    const { results, refused } = await burst(signIn, credentials, () => ['alice', 'wrong', '203.0.113.5']);
    expect(credentials.checks).toBe(5);
    expect(refused).toHaveLength(35);
    expect(refused[0]!.reason.retryAfterMs).toBeGreaterThan(0);
    expect(refused[0]!.reason.toErrorResponse()).toMatchObject({
      status: 429,
      headers: { 'retry-after': expect.stringMatching(/^\d+$/) },
    });
    const rest = results.filter(
      (r) => r.status === 'rejected' && !(r.reason instanceof TooManySignInAttemptsError),
    );
    expect(rest.map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(
      Array(5).fill('AUTH.INVALID_CREDENTIALS'),
    );
  });

  it('40 wrong passwords at once from one address for 40 usernames: 20 password checks (the per-address rule)', async () => {
    const { signIn, credentials } = await setup();
    const { refused } = await burst(signIn, credentials, (i) => [`user-${i}`, 'wrong', '203.0.113.6']);
    expect(credentials.checks).toBe(20);
    expect(refused).toHaveLength(20);
  });

  it('a failure streak from one address does not lock the owner out: the right password from another address signs in', async () => {
    const { signIn, credentials } = await setup();
    await burst(signIn, credentials, () => ['alice', 'wrong', '198.51.100.66'], 10);
    const locked = signIn.login('alice', PASSWORD, '198.51.100.66');
    await expect(locked).rejects.toBeInstanceOf(TooManySignInAttemptsError);
    const fresh = signIn.login('alice', PASSWORD, '192.0.2.10');
    await new Promise((resolve) => setImmediate(resolve));
    credentials.releaseAll();
    await expect(fresh).resolves.toMatchObject({ accessToken: expect.any(String) });
  });

  it('logout and refresh-token reuse revoke the session until its last access token has expired', async () => {
    const { signIn, credentials, revocations, sessions, outcomes, advance } = await setup();
    const login = signIn.login('alice', PASSWORD, '192.0.2.11');
    await new Promise((resolve) => setImmediate(resolve));
    credentials.releaseAll();
    const { accessToken, refreshToken } = await login;
    const { sessionId } = await sessions.verify(accessToken);
    expect(sessionId).toBe('family-1');
    expect(revocations.isRevoked('family-1')).toBe(false);
    await signIn.logout(refreshToken);
    expect(revocations.isRevoked('family-1')).toBe(true);
    advance(SESSION_TOKEN_MAX_LIFE_MS - 1);
    expect(revocations.isRevoked('family-1')).toBe(true);
    advance(1);
    expect(revocations.isRevoked('family-1')).toBe(false); // every token of it has expired by now

    outcomes.push({ kind: 'reused', userId: USER_ID, familyId: 'family-7' });
    await expect(signIn.refresh('a-used-token')).rejects.toMatchObject({
      code: 'AUTH.INVALID_REFRESH_TOKEN',
    });
    expect(revocations.isRevoked('family-7')).toBe(true);
  });

  it('a refreshed token keeps the sign-in time of its session', async () => {
    const { signIn, sessions, outcomes, advance } = await setup();
    const signedInAt = Date.parse('2026-12-06T12:00:00Z');
    advance(20 * 60_000);
    outcomes.push({ kind: 'rotated', userId: USER_ID, token: 'rt-next', familyId: 'family-9', signedInAt });
    const { accessToken } = await signIn.refresh('rt-9');
    await expect(sessions.verify(accessToken)).resolves.toMatchObject({ sessionId: 'family-9', signedInAt });
  });
});
