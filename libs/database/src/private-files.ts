import { chmod, mkdir, open, stat } from 'node:fs/promises';

/** A file that holds secrets can be read by other users: the start is refused. */
export class InsecureFileModeError extends Error {}

/** POSIX permission bits; Windows does not have them (its modes say nothing about other users). */
const hasPosixModes = process.platform !== 'win32';

const describeMode = (mode: number): string => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

export interface PrivateDir {
  /** True when this call created it (then it is 0700 whatever the umask). */
  readonly created: boolean;
  /** Its permission bits now, e.g. 0o700. */
  readonly mode: number;
}

/**
 * The data directory: created with mode 0700 (and missing parents with it too). `mkdir` leaves an
 * existing directory as it is and its mode is filtered by the umask, so a directory this call creates
 * is also chmod'ed; an existing one keeps its mode (the caller may warn about it).
 */
export async function ensurePrivateDir(dir: string): Promise<PrivateDir> {
  const firstCreated = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (firstCreated !== undefined && hasPosixModes) await chmod(dir, 0o700);
  return { created: firstCreated !== undefined, mode: (await stat(dir)).mode & 0o777 };
}

/** Whether group or others have any access to a directory or file with these permission bits. */
export const isOpenToOthers = (mode: number): boolean => hasPosixModes && (mode & 0o077) !== 0;

/**
 * Reads a file that holds secrets (vault-keys.json, credentials.json). Refuses one that group or
 * others may access, naming the file and the fix; the mode is checked on the open file, so a
 * rename in between cannot swap it. Errors such as ENOENT come through unchanged.
 */
export async function readPrivateFile(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { mode } = await handle.stat();
    if (isOpenToOthers(mode)) {
      throw new InsecureFileModeError(
        `${file} holds secret keys but group or others may access it (mode ${describeMode(mode)}). ` +
          `Run \`chmod 600 ${file}\` and start again.`,
      );
    }
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
