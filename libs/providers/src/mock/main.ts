/**
 * Runs one mock provider as its own process (benchmarks, demos):
 *   MOCK_PORT=0 MOCK_LATENCY_MS=0 MOCK_FAILURE_RATE=0 node dist/libs/providers/src/mock/main.js
 * Optional: MOCK_HOST, MOCK_CHUNK_DELAY_MS, MOCK_API_KEY, MOCK_MODELS (comma-separated), MOCK_SEED.
 * Prints `{"url":"http://127.0.0.1:PORT","port":PORT}` on one line once it listens; stops on SIGINT/SIGTERM.
 */
import { startMockProvider } from './start-mock-provider';

function numberFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  const models = process.env['MOCK_MODELS']
    ?.split(',')
    .map((m) => m.trim())
    .filter((m) => m.length > 0);
  const mock = await startMockProvider({
    host: process.env['MOCK_HOST'] || undefined,
    port: numberFromEnv('MOCK_PORT') ?? 0,
    latencyMs: numberFromEnv('MOCK_LATENCY_MS') ?? 0,
    chunkDelayMs: numberFromEnv('MOCK_CHUNK_DELAY_MS'),
    failureRate: numberFromEnv('MOCK_FAILURE_RATE') ?? 0,
    requireApiKey: process.env['MOCK_API_KEY'] || undefined,
    models: models && models.length > 0 ? models : undefined,
    seed: numberFromEnv('MOCK_SEED'),
  });
  process.stdout.write(`${JSON.stringify({ url: mock.url, port: mock.port })}\n`);
  const stop = (): void => {
    mock.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `mock provider failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
