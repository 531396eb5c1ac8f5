import { randomUUID } from 'node:crypto';
import type { SignInAdmission, SignInGate } from './login-throttle';

export interface SignInGateFixture {
  readonly gate: SignInGate;
  /** Another instance over the same shared state, or the same gate. */
  readonly twin: SignInGate;
  close(): Promise<void>;
}

const FIFTEEN_MINUTES = 15 * 60_000;

/** Sends `count` attempts at once (alternating gate and twin) and says how many were admitted. */
async function burst(
  f: SignInGateFixture,
  count: number,
  attempt: (i: number) => readonly [username: string, address: string],
): Promise<{ admitted: number; refused: SignInAdmission[] }> {
  const outcomes = await Promise.all(
    Array.from({ length: count }, (_, i) => (i % 2 === 0 ? f.gate : f.twin).admit(...attempt(i))),
  );
  return {
    admitted: outcomes.filter((o) => o.admitted).length,
    refused: outcomes.filter((o) => !o.admitted),
  };
}

/** The sign-in throttle's rules under concurrency, for every adapter (memory, Redis). */
export function signInGateContract(name: string, open: () => Promise<SignInGateFixture>): void {
  describe(`SignInGate contract: ${name}`, () => {
    let f: SignInGateFixture;
    beforeAll(async () => {
      f = await open();
    });
    afterAll(() => f.close());

    it('40 attempts at once for one username from one address: 5 admitted, the rest refused with a Retry-After', async () => {
      const user = `user:${randomUUID()}`;
      const address = `203.0.113.${Math.floor(Math.random() * 250)}-${randomUUID()}`;
      const { admitted, refused } = await burst(f, 40, () => [user, address]);
      expect(admitted).toBe(5);
      for (const r of refused) {
        if (r.admitted) throw new Error('unreachable');
        expect(r.retryAfterMs).toBeGreaterThan(0);
        expect(r.retryAfterMs).toBeLessThanOrEqual(FIFTEEN_MINUTES);
      }
    });

    it('40 usernames from one address at once: the address rule admits 20', async () => {
      const address = `198.51.100.1-${randomUUID()}`;
      const { admitted } = await burst(f, 40, (i) => [`user:${randomUUID()}-${i}`, address]);
      expect(admitted).toBe(20);
    });

    it('a streak from one address does not lock the owner out from another; the right password ends the streak and is not counted', async () => {
      const user = `user:${randomUUID()}`;
      const guesser = `192.0.2.1-${randomUUID()}`;
      expect((await burst(f, 10, () => [user, guesser])).admitted).toBe(5);
      const owner = `192.0.2.2-${randomUUID()}`;
      const signIn = await f.gate.admit(user, owner);
      expect(signIn.admitted).toBe(true);
      if (!signIn.admitted) return;
      signIn.attempt.succeeded();
      // Given back (on the same connection, so before the next attempt): the owner still has all five.
      let fifth: SignInAdmission | undefined;
      for (let i = 0; i < 5; i++) {
        fifth = await f.gate.admit(user, owner);
        if (fifth.admitted) fifth.attempt.failed();
      }
      expect(fifth?.admitted).toBe(true);
      expect((await f.gate.admit(user, owner)).admitted).toBe(false);
    });
  });
}
