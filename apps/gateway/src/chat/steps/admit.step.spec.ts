import type { RedisFieldGuard } from '@gw/shared-kernel';
import { admissionOf } from './admit.step';
import type { ChatCall } from './chat-call';

const guard = {} as RedisFieldGuard;
const callWith = (over: Partial<ChatCall>): ChatCall => ({ ...({} as ChatCall), ...over });

describe('admit step (admissionOf)', () => {
  it('given admitBehind, when the hold sends it, then the headers are its answer and admit is never asked', async () => {
    const admit = jest.fn(() => Promise.resolve({ from: 'admit' }));
    const admission = admissionOf(
      callWith({ admit, admitBehind: () => Promise.resolve({ 'x-ratelimit-remaining-requests': '9' }) }),
    );
    admission.send!(guard);
    await expect(admission.headers()).resolves.toEqual({ 'x-ratelimit-remaining-requests': '9' });
    expect(admit).not.toHaveBeenCalled();
  });

  it('when the hold did not send it (no Redis hold), then admit is asked', async () => {
    const admission = admissionOf(
      callWith({ admit: () => Promise.resolve({ from: 'admit' }), admitBehind: () => Promise.resolve({}) }),
    );
    await expect(admission.headers()).resolves.toEqual({ from: 'admit' });
  });

  it('when the answer behind the hold is undefined (not decided there), then admit is asked', async () => {
    const admission = admissionOf(
      callWith({
        admit: () => Promise.resolve({ from: 'admit' }),
        admitBehind: () => Promise.resolve(undefined),
      }),
    );
    admission.send!(guard);
    await expect(admission.headers()).resolves.toEqual({ from: 'admit' });
  });

  it('a refusal sent behind a hold that was itself refused is never unhandled; read, it throws the 429', async () => {
    const refused = new Error('429');
    const admission = admissionOf(callWith({ admitBehind: () => Promise.reject(refused) }));
    admission.send!(guard);
    await expect(admission.headers()).rejects.toBe(refused);
  });

  it('without limits (no admit, no admitBehind): no send, no headers', async () => {
    const admission = admissionOf(callWith({}));
    expect(admission.send).toBeUndefined();
    await expect(admission.headers()).resolves.toEqual({});
  });
});
