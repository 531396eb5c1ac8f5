import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  DEFAULT_LOGIN_THROTTLE,
  SignInThrottle,
  type SignInAdmission,
  type SignInGate,
  type SignInThrottleRules,
} from './login-throttle';

export const DEFAULT_SIGN_IN_THROTTLE_PREFIX = 'switchyard:signin:';

/**
 * KEYS: the (username, address), address and username sorted sets of attempts (score = ms, Redis
 * time). ARGV: the attempt's member, then max and window (ms) of each rule in that order. Sweeps what
 * left each window; refuses when any rule is full ({0, retry ms}: when its oldest counted attempt
 * leaves), else counts the attempt in all three ({1, 0}).
 */
const ADMIT_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local retry = 0
for i = 1, 3 do
  local max = tonumber(ARGV[2 * i])
  local window = tonumber(ARGV[2 * i + 1])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  local n = redis.call('ZCARD', KEYS[i])
  if n >= max then
    local oldest = tonumber(redis.call('ZRANGE', KEYS[i], n - max, n - max, 'WITHSCORES')[2])
    local wait = math.max(1, oldest + window - now)
    if wait > retry then retry = wait end
  end
end
if retry > 0 then return {0, retry} end
for i = 1, 3 do
  redis.call('ZADD', KEYS[i], now, ARGV[1])
  redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[2 * i + 1]))
end
return {1, 0}
`;

/** KEYS as ADMIT_LUA's; ARGV: the attempt's member. The right password: the streak from this address ends, the attempt is given back. */
const SUCCEEDED_LUA = `
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return 1
`;

type ThrottleCommand = (...keysAndArgs: Array<string | number>) => Promise<number[]>;

export interface SignInThrottleObserver {
  /** Redis did not answer: this instance throttles on its own until it does (once per outage). */
  unreachable(e: Error): void;
  recovered(): void;
}

/**
 * The sign-in throttle shared by every gateway instance (full mode): the same three rules as
 * SignInThrottle, decided by one Lua script on Redis's clock, so 40 wrong passwords sent at once to
 * any number of instances make at most 5 password checks. While Redis does not answer, each instance
 * throttles on its own (SignInThrottle in memory: never unthrottled), and says so once.
 */
export class RedisSignInThrottle implements SignInGate {
  private readonly admitScript: ThrottleCommand;
  private readonly succeededScript: ThrottleCommand;
  private readonly local: SignInThrottle;
  private down = false;

  constructor(
    redis: Redis,
    private readonly observer: SignInThrottleObserver,
    private readonly rules: SignInThrottleRules = DEFAULT_LOGIN_THROTTLE,
    private readonly prefix = DEFAULT_SIGN_IN_THROTTLE_PREFIX,
  ) {
    if (!('switchyardSignInAdmit' in redis))
      redis.defineCommand('switchyardSignInAdmit', { numberOfKeys: 3, lua: ADMIT_LUA });
    if (!('switchyardSignInSucceeded' in redis))
      redis.defineCommand('switchyardSignInSucceeded', { numberOfKeys: 3, lua: SUCCEEDED_LUA });
    const commands = redis as unknown as Record<
      'switchyardSignInAdmit' | 'switchyardSignInSucceeded',
      ThrottleCommand
    >;
    this.admitScript = commands.switchyardSignInAdmit.bind(redis);
    this.succeededScript = commands.switchyardSignInSucceeded.bind(redis);
    this.local = new SignInThrottle(rules);
  }

  async admit(username: string, address: string): Promise<SignInAdmission> {
    // One hash slot for every sign-in key ({signin}): the script touches three of them.
    const keys = [
      `${this.prefix}{signin}:ua:${address} ${username}`,
      `${this.prefix}{signin}:a:${address}`,
      `${this.prefix}{signin}:u:${username}`,
    ];
    const { perUsernameAndAddress: both, perAddress, perUsername } = this.rules;
    const member = randomUUID();
    let reply: number[];
    try {
      reply = await this.admitScript(
        ...keys,
        member,
        both.maxFailures,
        both.windowMs,
        perAddress.maxFailures,
        perAddress.windowMs,
        perUsername.maxFailures,
        perUsername.windowMs,
      );
    } catch (e) {
      if (!this.down) {
        this.down = true;
        this.observer.unreachable(e as Error);
      }
      return this.local.admit(username, address);
    }
    if (this.down) {
      this.down = false;
      this.observer.recovered();
    }
    if (reply[0] !== 1) return { admitted: false, retryAfterMs: reply[1]! };
    return {
      admitted: true,
      attempt: {
        succeeded: () => {
          this.succeededScript(...keys, member).catch(() => undefined);
        },
        failed: () => undefined,
      },
    };
  }
}
