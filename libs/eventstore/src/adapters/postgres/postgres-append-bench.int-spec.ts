import type { AppendRequest } from '../../event-store.port';
import { newStreamId, someEvents } from '../../testing/contract-fixtures';
import { openTestStore, postgresUrl } from './postgres-test-support';

/**
 * Group-commit timings, on demand only: EVENTSTORE_BENCH=1 npx jest postgres-append-bench
 * (add DATABASE_URL for PostgreSQL). Prints median / p95 / mean per appendMany call.
 */
const enabled = process.env.EVENTSTORE_BENCH === '1';
const kinds = (['pglite', 'postgres'] as const).filter((k) => k === 'pglite' || postgresUrl());

const batch = (requests: number): AppendRequest[] =>
  Array.from({ length: requests }, () => ({ streamId: newStreamId('bench'), events: someEvents(2) }));

const stats = (samples: number[]): string => {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return `median ${at(0.5).toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms, mean ${mean.toFixed(2)} ms (n=${samples.length})`;
};

(enabled ? describe : describe.skip)('appendMany timings (EVENTSTORE_BENCH=1)', () => {
  for (const kind of kinds) {
    it(`on ${kind}`, async () => {
      const fixture = await openTestStore(kind);
      const lines: string[] = [];
      try {
        for (const [requests, rounds] of [
          [1, 300],
          [32, 100],
        ] as const) {
          const samples: number[] = [];
          for (let round = -20; round < rounds; round += 1) {
            const requestsOfRound = batch(requests);
            const started = performance.now();
            const results = await fixture.store.appendMany(requestsOfRound);
            if (round >= 0) samples.push(performance.now() - started);
            expect(results.filter((r) => r instanceof Error)).toEqual([]);
          }
          lines.push(`${kind}: appendMany of ${requests} request(s) x 2 events: ${stats(samples)}`);
        }
      } finally {
        await fixture.cleanup();
      }
      console.log(lines.join('\n'));
    });
  }
});
