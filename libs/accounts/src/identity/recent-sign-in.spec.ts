import { RECENT_SIGN_IN_MS, stepUpForSensitiveChange } from './recent-sign-in';

describe('creating a gateway key: recent sign-in or the password again', () => {
  const now = Date.parse('2026-12-06T12:00:00Z');
  const minutesAgo = (m: number): number => now - m * 60_000;

  it('is 15 minutes', () => expect(RECENT_SIGN_IN_MS).toBe(900_000));

  it('given a gateway key, then nothing more is asked', () =>
    expect(stepUpForSensitiveChange({ via: 'gateway-key' }, false, now)).toEqual({ kind: 'none' }));

  it('given a session signed in 14 minutes ago, then nothing more is asked', () =>
    expect(stepUpForSensitiveChange({ via: 'access-token', signedInAt: minutesAgo(14) }, false, now)).toEqual(
      { kind: 'none' },
    ));

  it('given a session signed in exactly 15 minutes ago, then nothing more is asked', () =>
    expect(stepUpForSensitiveChange({ via: 'access-token', signedInAt: minutesAgo(15) }, false, now)).toEqual(
      { kind: 'none' },
    ));

  it('given a session signed in 16 minutes ago without a password, then sign in again', () =>
    expect(stepUpForSensitiveChange({ via: 'access-token', signedInAt: minutesAgo(16) }, false, now)).toEqual(
      { kind: 'reauthenticate' },
    ));

  it('given a session signed in 16 minutes ago with a password, then the password is checked', () =>
    expect(stepUpForSensitiveChange({ via: 'access-token', signedInAt: minutesAgo(16) }, true, now)).toEqual({
      kind: 'check-password',
    }));

  it('given a token that does not say when it signed in, then it counts as old', () => {
    expect(stepUpForSensitiveChange({ via: 'access-token', signedInAt: undefined }, false, now)).toEqual({
      kind: 'reauthenticate',
    });
    expect(stepUpForSensitiveChange({ via: 'access-token', signedInAt: undefined }, true, now)).toEqual({
      kind: 'check-password',
    });
  });
});
