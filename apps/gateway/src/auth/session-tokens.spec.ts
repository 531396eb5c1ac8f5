import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InsecureFileModeError } from '@gw/database';
import { ConfiguredSecret } from '@gw/platform';
import { SESSION_TOKEN_TTL_S, SessionTokens } from './access-token-verifiers';
import { loadSessionSigningKey, sessionKeyPath } from './session-signing-key';

describe('session signing key and tokens', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'session-key-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('creates session-signing-key.json with mode 0600 and reads the same key back', async () => {
    const first = await loadSessionSigningKey(undefined, dir);
    expect((await stat(sessionKeyPath(dir))).mode & 0o777).toBe(0o600);
    const again = await loadSessionSigningKey(undefined, dir);
    expect(again.kid).toBe(first.kid);
    const token = await new SessionTokens(first).sign('u1', 's1', Date.now());
    await expect(new SessionTokens(again).verify(token.accessToken)).resolves.toMatchObject({ userId: 'u1' });
  });

  it('refuses a key file group or others may read', async () => {
    await loadSessionSigningKey(undefined, dir);
    await chmod(sessionKeyPath(dir), 0o644);
    await expect(loadSessionSigningKey(undefined, dir)).rejects.toThrow(InsecureFileModeError);
  });

  it('SESSION_SIGNING_KEY: the same seed gives the same key on every instance; the file is not written', async () => {
    const seed = new ConfiguredSecret(randomBytes(32).toString('base64'));
    const a = await loadSessionSigningKey(seed, dir);
    const b = await loadSessionSigningKey(seed, path.join(dir, 'other'));
    expect(a.kid).toBe(b.kid);
    await expect(readFile(sessionKeyPath(dir))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('tokens last 15 minutes, and a token of another key is refused', async () => {
    let now = Date.UTC(2026, 0, 1);
    const key = await loadSessionSigningKey(undefined, dir);
    const tokens = new SessionTokens(key, () => now);
    const { accessToken, expiresIn } = await tokens.sign('u1', 's1', now);
    expect(expiresIn).toBe(SESSION_TOKEN_TTL_S);
    expect(JSON.parse(Buffer.from(accessToken.split('.')[0]!, 'base64url').toString())).toMatchObject({
      alg: 'EdDSA',
      kid: key.kid,
    });
    now += (SESSION_TOKEN_TTL_S - 1) * 1000;
    await expect(tokens.verify(accessToken)).resolves.toMatchObject({ userId: 'u1' });
    now += 10_000;
    await expect(tokens.verify(accessToken)).rejects.toMatchObject({ code: 'AUTH.TOKEN_EXPIRED' });
    const other = new SessionTokens(await loadSessionSigningKey(undefined, path.join(dir, 'b')), () => now);
    const foreign = await other.sign('u1', 's1', now);
    await expect(tokens.verify(foreign.accessToken)).rejects.toMatchObject({ code: 'AUTH.INVALID_TOKEN' });
  });

  it('a token names its session and when the session signed in (not when the token was signed)', async () => {
    const now = Date.UTC(2026, 0, 1, 12);
    const tokens = new SessionTokens(await loadSessionSigningKey(undefined, dir), () => now);
    const signedInAt = now - 40 * 60_000; // refreshed 40 minutes after the sign-in
    const { accessToken } = await tokens.sign('u1', 'session-1', signedInAt);
    await expect(tokens.verify(accessToken)).resolves.toEqual({
      userId: 'u1',
      expiresAt: now + SESSION_TOKEN_TTL_S * 1000,
      sessionId: 'session-1',
      signedInAt,
    });
  });
});
