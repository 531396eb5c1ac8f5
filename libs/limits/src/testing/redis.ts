import { describeIf } from '@gw/shared-kernel/testing';

/** The Redis the suites use (CI sets REDIS_URL, e.g. redis://127.0.0.1:6379). */
export const redisUrl = (): string | undefined => process.env.REDIS_URL || undefined;

/** A suite that needs a real Redis: declared skipped, with the reason printed, when REDIS_URL is unset. */
export function describeRedis(title: string, fn: () => void): void {
  describeIf(Boolean(redisUrl()), `${title}: REDIS_URL is not set (e.g. redis://127.0.0.1:6379)`)(
    `${title} (redis)`,
    fn,
  );
}
