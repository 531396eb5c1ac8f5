import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataDirLockedError, lockDataDir, processStartTime } from './data-dir-lock';

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

  it('writes the lock whole, with its start time, and leaves no draft behind', async () => {
    const lock = await lockDataDir(dir, 'gateway');
    expect(JSON.parse(await readFile(lockFile(), 'utf8')).startTime).toBe(
      await processStartTime(process.pid),
    );
    expect(await readdir(dir)).toEqual(['switchyard.lock']);
    await lock.release();
  });

  it('refuses a directory held by another live process, its start time matching', async () => {
    const startTime = await processStartTime(process.ppid);
    await writeFile(lockFile(), JSON.stringify({ pid: process.ppid, purpose: 'gateway', startTime }));
    await expect(lockDataDir(dir, 'gateway')).rejects.toBeInstanceOf(DataDirLockedError);
    expect(await readdir(dir)).toEqual(['switchyard.lock']);
  });

  // After a SIGKILL and a container restart the dead gateway's pid often belongs to another process.
  (process.platform === 'linux' ? it : it.skip)(
    'takes over a lock whose pid now names another process (pid reused after a crash)',
    async () => {
      const startTime = String(Number(await processStartTime(process.ppid)) + 1);
      await writeFile(lockFile(), JSON.stringify({ pid: process.ppid, purpose: 'gateway', startTime }));
      const lock = await lockDataDir(dir, 'gateway');
      expect(JSON.parse(await readFile(lockFile(), 'utf8')).pid).toBe(process.pid);
      await lock.release();
    },
  );

  it('takes over an empty lock file (an older version killed while writing it)', async () => {
    await writeFile(lockFile(), '');
    const lock = await lockDataDir(dir, 'gateway');
    expect(JSON.parse(await readFile(lockFile(), 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('is refused while its owner runs, and taken over the moment it is SIGKILLed', async () => {
    const owner = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => owner.once('exit', resolve));
    try {
      const startTime = await processStartTime(owner.pid!);
      await writeFile(lockFile(), JSON.stringify({ pid: owner.pid, purpose: 'gateway', startTime }));
      await expect(lockDataDir(dir, 'gateway')).rejects.toBeInstanceOf(DataDirLockedError);
    } finally {
      owner.kill('SIGKILL');
      await exited;
    }
    const lock = await lockDataDir(dir, 'gateway');
    expect(JSON.parse(await readFile(lockFile(), 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('takes over a lock whose process is gone', async () => {
    await writeFile(lockFile(), JSON.stringify({ pid: 2 ** 22 + 12345, purpose: 'gateway' }));
    const lock = await lockDataDir(dir, 'gateway');
    expect(JSON.parse(await readFile(lockFile(), 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });
});
