import { randomUUID } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

export class DataDirLockedError extends Error {}

export interface DataDirLock {
  release(): Promise<void>;
}

interface LockOwner {
  readonly pid?: number;
  readonly purpose?: string;
  /** The owner's start time as the kernel counts it (Linux: /proc/<pid>/stat field 22). */
  readonly startTime?: string;
}

/**
 * When the process with this pid started (Linux: clock ticks since boot, from /proc), or undefined
 * where the platform does not tell. Together with the pid it names one process: a pid that the
 * system has since given to another process has another start time.
 */
export async function processStartTime(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may itself hold spaces and parentheses): state is field 3.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[22 - 3];
  } catch {
    return undefined;
  }
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The lock's owner still runs: its pid is alive and, where the start time is known, still the same process. */
async function stillRunning(owner: LockOwner): Promise<boolean> {
  if (owner.pid === undefined || owner.pid === process.pid || !isAlive(owner.pid)) return false;
  if (owner.startTime === undefined) return true;
  const now = await processStartTime(owner.pid);
  return now === undefined || now === owner.startTime;
}

/**
 * PGlite is one process's database: a second process opening the same files corrupts them. The lock
 * is a file holding the owner's pid and start time. It appears complete or not at all (written aside,
 * then hard-linked into place, which fails if it exists), so a reader never mistakes an owner that is
 * still writing it for a dead one. A lock left by a process that is gone — killed, crashed, or its
 * pid since reused by another process, as after a container restart — is taken over.
 */
export async function lockDataDir(dir: string, purpose: string): Promise<DataDirLock> {
  const file = path.join(dir, 'switchyard.lock');
  const owner: LockOwner = { pid: process.pid, purpose, startTime: await processStartTime(process.pid) };
  const draft = `${file}.${process.pid}.${randomUUID()}`;
  await writeFile(draft, JSON.stringify({ ...owner, since: new Date().toISOString() }), { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await link(draft, file);
        return { release: () => unlink(file).catch(() => undefined) };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const holder = await readFile(file, 'utf8')
          .then((text) => JSON.parse(text) as LockOwner)
          .catch((): LockOwner => ({}));
        if (await stillRunning(holder)) {
          throw new DataDirLockedError(
            `${dir} is in use by process ${holder.pid} (${holder.purpose ?? 'unknown'}). Stop it first: embedded PGlite allows one process at a time.`,
          );
        }
        await unlink(file).catch(() => undefined); // stale: its process is gone
      }
    }
  } finally {
    await unlink(draft).catch(() => undefined);
  }
  throw new DataDirLockedError(`Could not lock ${dir}`);
}
