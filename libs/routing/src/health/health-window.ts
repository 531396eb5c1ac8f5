import type { HealthWindow } from './provider-health-report';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** Which rows answer a window, and its buckets: the window ends now and starts on a bucket boundary. */
export interface HealthWindowSpec {
  readonly window: HealthWindow;
  /** Minute rows (kept ~2 hours) answer 1h; hour rows (kept 10 days) answer 24h and 7d. */
  readonly resolution: 'minute' | 'hour';
  readonly bucketMs: number;
  readonly buckets: number;
  /** Start of the oldest bucket (epoch ms). */
  readonly fromMs: number;
  /** Now (epoch ms); the newest bucket is still filling. */
  readonly toMs: number;
}

const SHAPES: Readonly<
  Record<HealthWindow, { resolution: 'minute' | 'hour'; bucketMs: number; buckets: number }>
> = {
  '1h': { resolution: 'minute', bucketMs: MINUTE_MS, buckets: 60 },
  '24h': { resolution: 'hour', bucketMs: HOUR_MS, buckets: 24 },
  '7d': { resolution: 'hour', bucketMs: HOUR_MS, buckets: 168 },
};

/** 1h: the 60 minutes up to now (the current one included); 24h: 24 hours; 7d: 168 hours. */
export function healthWindowSpec(window: HealthWindow, nowMs: number): HealthWindowSpec {
  const { resolution, bucketMs, buckets } = SHAPES[window];
  const currentBucket = Math.floor(nowMs / bucketMs) * bucketMs;
  return {
    window,
    resolution,
    bucketMs,
    buckets,
    fromMs: currentBucket - (buckets - 1) * bucketMs,
    toMs: nowMs,
  };
}

export const floorToMinute = (ms: number): number => Math.floor(ms / MINUTE_MS) * MINUTE_MS;
export const floorToHour = (ms: number): number => Math.floor(ms / HOUR_MS) * HOUR_MS;
