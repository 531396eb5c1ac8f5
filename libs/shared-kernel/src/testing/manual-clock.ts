import type { Clock } from '../clock';

/**
 * A clock the test moves: time stands still until `advance`. Give `nowMs` where code takes a
 * `() => number` (the provider health tracker), or the clock itself where it takes a Clock.
 */
export interface ManualClock extends Clock {
  nowMs(): number;
  advance(ms: number): void;
}

export function manualClock(startMs = Date.parse('2026-12-01T12:00:00.000Z')): ManualClock {
  let now = startMs;
  return {
    now: () => new Date(now),
    nowMs: () => now,
    advance: (ms: number) => {
      if (!(ms >= 0)) throw new Error(`a clock only moves forward (advance(${ms}))`);
      now += ms;
    },
  };
}
