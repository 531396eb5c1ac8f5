import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataDirLockedError, lockDataDir } from './data-dir-lock';

describe('data directory lock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'switchyard-lock-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const lockFile = () => path.join(dir, 'switchyard.lock');

  it('takes the lock with this pid and gives it back', async () => {
    const lock = await lockDataDir(dir, 'gateway');
    expect(JSON.parse(await readFile(lockFile(), 'utf8'))).toMatchObject({
      pid: process.pid,
      purpose: 'gateway',
    });
    await lock.release();
    await expect(stat(lockFile())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a directory held by another live process', async () => {
    await writeFile(lockFile(), JSON.stringify({ pid: process.ppid, purpose: 'gateway' }));
    await expect(lockDataDir(dir, 'projections:rebuild')).rejects.toBeInstanceOf(DataDirLockedError);
    expect(JSON.parse(await readFile(lockFile(), 'utf8')).pid).toBe(process.ppid);
  });

  it('takes over a lock whose process is gone', async () => {
    await writeFile(lockFile(), JSON.stringify({ pid: 2 ** 22 + 12345, purpose: 'gateway' }));
    const lock = await lockDataDir(dir, 'gateway');
    expect(JSON.parse(await readFile(lockFile(), 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });
});
