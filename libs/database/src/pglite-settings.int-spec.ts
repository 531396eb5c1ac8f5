import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDatabase } from './create-database';
import { ensurePgliteCluster, PGLITE_SETTINGS } from './pglite-settings';

describe('embedded database (PGlite) memory settings', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'switchyard-pglite-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the cluster of a new folder in a child process, and leaves an existing one alone', async () => {
    const dataDir = path.join(dir, 'pglite');
    expect(await ensurePgliteCluster(dataDir)).toBe('created');
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
    expect(await ensurePgliteCluster(dataDir)).toBe('exists');
  });

  it('opens the database with bounded shared_buffers, maintenance_work_mem and temp_buffers', async () => {
    const dataDir = path.join(dir, 'pglite');
    await ensurePgliteCluster(dataDir);
    const knex = createDatabase({ kind: 'pglite', dataDir });
    try {
      for (const [name, value] of Object.entries(PGLITE_SETTINGS)) {
        const { rows } = (await knex.raw(`show ${name}`)) as { rows: Record<string, string>[] };
        expect({ name, value: rows[0]![name] }).toEqual({ name, value });
      }
    } finally {
      await knex.destroy();
    }
  });

  it('opens an in-memory database with the same settings', async () => {
    const knex = createDatabase({ kind: 'pglite' });
    try {
      const { rows } = (await knex.raw('show shared_buffers')) as { rows: { shared_buffers: string }[] };
      expect(rows[0]!.shared_buffers).toBe(PGLITE_SETTINGS.shared_buffers);
    } finally {
      await knex.destroy();
    }
  });
});
