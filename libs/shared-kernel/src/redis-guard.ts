/**
 * A hash field in Redis whose presence a script can require before it changes anything: how one
 * context's command, sent right behind another's on the same connection, counts only when the first
 * one did what it was asked (the rate-limit check behind the budget's hold: the hold's reservation id
 * in the user's reservation hash). Redis runs one connection's commands in the order they were sent.
 */
export interface RedisFieldGuard {
  readonly key: string;
  readonly field: string;
}
