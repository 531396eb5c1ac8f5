import { open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';

export class DataDirLockedError extends Error {}

export interface DataDirLock {
  release(): Promise<void>;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * PGlite is one process's database: a second process opening the same files corrupts them. The lock
 * is a file holding the owner's pid, created exclusively; a lock left by a process that is gone is
 * taken over.
 */
export async function lockDataDir(dir: string, purpose: string): Promise<DataDirLock> {
  const file = path.join(dir, 'switchyard.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      await handle.writeFile(JSON.stringify({ pid: process.pid, purpose, since: new Date().toISOString() }));
      await handle.close();
      return { release: () => unlink(file).catch(() => undefined) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = await readFile(file, 'utf8')
        .then((text) => JSON.parse(text) as { pid?: number; purpose?: string })
        .catch(() => ({ pid: undefined, purpose: undefined }));
      if (owner.pid !== undefined && owner.pid !== process.pid && isAlive(owner.pid)) {
        throw new DataDirLockedError(
          `${dir} is in use by process ${owner.pid} (${owner.purpose ?? 'unknown'}). Stop it first: embedded PGlite allows one process at a time.`,
        );
      }
      await unlink(file).catch(() => undefined); // stale: its process is gone
    }
  }
  throw new DataDirLockedError(`Could not lock ${dir}`);
}
