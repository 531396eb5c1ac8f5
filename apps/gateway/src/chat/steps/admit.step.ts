import type { RedisFieldGuard } from '@gw/shared-kernel';
import type { ChatCall, LimitHeaders } from './chat-call';

/** A request's rate-limit step, as the pipeline runs it (admissionOf). */
export interface Admission {
  /** Given to the hold step: sends the rate-limit check behind the hold when the hold goes to Redis. */
  readonly send: ((guard: RedisFieldGuard) => void) | undefined;
  /** The x-ratelimit-* headers: the answer sent behind the hold, or `admit` asked now when there was none. */
  headers(): Promise<LimitHeaders>;
}

/**
 * The admit step (the tier's rate limits): asked once the budget holds the request (a request refused
 * for money takes no rate-limit slot), before any upstream call; throws the 429.
 */
export function admissionOf(call: ChatCall): Admission {
  let behind: Promise<LimitHeaders | undefined> | undefined;
  const admitBehind = call.admitBehind;
  return {
    send:
      admitBehind &&
      ((guard) => {
        behind = admitBehind(guard);
        behind.catch(() => undefined); // a refused hold (402) leaves its answer unread
      }),
    async headers() {
      return (behind && (await behind)) ?? (await call.admit?.()) ?? {};
    },
  };
}
