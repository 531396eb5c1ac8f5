import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { announceSkip } from '@gw/shared-kernel/testing';
import { ensurePrivateDir, InsecureFileModeError, readPrivateFile } from './private-files';

const posix = process.platform !== 'win32';
if (!posix) announceSkip('private files: Windows has no POSIX permission bits to check');

(posix ? describe : describe.skip)('private files (POSIX modes)', () => {
  let dir: string;
  let umask: number;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'switchyard-private-'));
    umask = process.umask(0o022);
  });
  afterEach(async () => {
    process.umask(umask);
    await rm(dir, { recursive: true, force: true });
  });
  const modeOf = async (p: string) => (await stat(p)).mode & 0o777;

  describe('ensurePrivateDir', () => {
    it('creates the directory and its missing parents with mode 0700', async () => {
      const data = path.join(dir, 'a', 'b', 'data');

      const result = await ensurePrivateDir(data);

      expect(result).toEqual({ created: true, mode: 0o700 });
      expect(await modeOf(data)).toBe(0o700);
      expect(await modeOf(path.join(dir, 'a'))).toBe(0o700);
    });

    it('is 0700 whatever the umask', async () => {
      process.umask(0o777); // mkdir alone would give 0000
      const data = path.join(dir, 'data');
      await ensurePrivateDir(data);
      process.umask(0o022);
      expect(await modeOf(data)).toBe(0o700);
    });

    it('leaves an existing directory’s mode as it is, and reports it', async () => {
      const data = path.join(dir, 'data');
      await mkdir(data);
      await chmod(data, 0o755);

      expect(await ensurePrivateDir(data)).toEqual({ created: false, mode: 0o755 });
      expect(await modeOf(data)).toBe(0o755);
    });
  });

  describe('readPrivateFile', () => {
    const file = () => path.join(dir, 'vault-keys.json');

    it('reads a file only its owner may access', async () => {
      await writeFile(file(), 'secret', { mode: 0o600 });
      expect(await readPrivateFile(file())).toBe('secret');
      await chmod(file(), 0o400);
      expect(await readPrivateFile(file())).toBe('secret');
    });

    it.each(['0644', '0640', '0604', '0620', '0602', '0610'])(
      'refuses mode %s, naming the file and the chmod that fixes it, without its content',
      async (octal) => {
        const mode = parseInt(octal, 8);
        await writeFile(file(), 'sk-secret-content', { mode: 0o600 });
        await chmod(file(), mode);

        const error = await readPrivateFile(file()).then(
          () => undefined,
          (e: unknown) => e as Error,
        );

        expect(error).toBeInstanceOf(InsecureFileModeError);
        expect(error!.message).toContain(file());
        expect(error!.message).toContain(`chmod 600 ${file()}`);
        expect(error!.message).toContain(`mode ${octal}`);
        expect(error!.message).not.toContain('sk-secret');
      },
    );

    it('passes ENOENT through for a missing file', async () => {
      await expect(readPrivateFile(file())).rejects.toMatchObject({ code: 'ENOENT' });
    });
  });
});
