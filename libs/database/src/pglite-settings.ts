import { spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * Postgres settings of the embedded database (PGlite), chosen for memory (issue 19). PGlite's postgres
 * runs inside one WebAssembly memory that only ever grows, so whatever postgres touches once stays
 * resident for the life of the process:
 * - shared_buffers: PGlite's default is 128 MB, all of it touched at start; 16 MB holds the pages the
 *   gateway keeps using (the tails of the event log and its indexes, the read models' hot rows); the
 *   rest is one read from the OS page cache away (the data directory is real files).
 * - maintenance_work_mem: 64 MB by default, taken by index builds (migrations, rebuilds); 16 MB.
 * - temp_buffers: no temporary tables here; 1 MB instead of 8 MB.
 * work_mem stays at its 4 MB default (per sort or hash, released after the query).
 */
export const PGLITE_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: '16MB',
  maintenance_work_mem: '16MB',
  temp_buffers: '1MB',
};

/** PGlite's own start parameters plus PGLITE_SETTINGS, as `-c name=value` pairs. */
export const pgliteStartParams = (): string[] => [
  ...PGlite.defaultStartParams,
  ...Object.entries(PGLITE_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
];

/**
 * Creates the PGlite cluster in `dataDir` in a child process when it has none yet (no PG_VERSION).
 * PGlite runs initdb in the process that opens an empty folder: a second and a third WebAssembly
 * instance (initdb and a helper postgres) beside the real one, about 550 MB of resident memory that
 * the process then keeps as its peak (and a good part of as its RSS) for as long as it runs. A child
 * that exits gives all of it back; the process that opens the folder afterwards only resumes it.
 */
export async function ensurePgliteCluster(dataDir: string): Promise<'created' | 'exists'> {
  if (await exists(path.join(dataDir, 'PG_VERSION'))) return 'exists';
  const script = [
    `const { PGlite } = require(${JSON.stringify(require.resolve('@electric-sql/pglite'))});`,
    `const [dataDir, params] = [process.argv[1], JSON.parse(process.argv[2])];`,
    `(async () => { const db = new PGlite({ dataDir, startParams: params }); await db.waitReady; await db.close(); })()`,
    `  .catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });`,
  ].join('\n');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script, dataDir, JSON.stringify(pgliteStartParams())], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4096);
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(
            new Error(`creating the PGlite database in ${dataDir} failed (${code ?? signal}): ${stderr}`),
          ),
    );
  });
  return 'created';
}

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );
