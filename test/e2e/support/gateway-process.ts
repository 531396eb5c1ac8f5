import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import { eventually } from '@gw/shared-kernel/testing';

const root = path.resolve(__dirname, '../../..');

export interface BuiltGateway {
  /** The gateway's entry point (`dist/apps/gateway/src/main.js` of a private build). */
  readonly main: string;
  remove(): Promise<void>;
}

/**
 * Builds the gateway the way `npm start` does (scripts/build.mjs), into a directory of its own under
 * node_modules/.cache, so that a concurrent `npm run build` (bench, another suite) cannot delete the
 * files a child process is about to load.
 */
export async function buildGateway(): Promise<BuiltGateway> {
  const out = path.join(root, 'node_modules', '.cache', 'switchyard-e2e', randomUUID(), 'dist');
  await promisify(execFile)(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--out', out], {
    cwd: root,
  });
  return {
    main: path.join(out, 'apps', 'gateway', 'src', 'main.js'),
    remove: () => rm(path.dirname(out), { recursive: true, force: true }),
  };
}

export interface GatewayProcess {
  readonly baseUrl: string;
  readonly pid: number;
  /** Resolves when the process has exited (code, or the signal that ended it). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What the process wrote to stdout and stderr so far (for failure messages). */
  readonly output: () => string;
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * Starts the built gateway as a child process with exactly `env` (plus PATH, PORT and HOST: nothing
 * of this process's environment leaks in, such as a DATABASE_URL meant for another suite) and
 * resolves once GET /health/ready answers 200. Rejects with the child's output if it exits first.
 */
export async function startGatewayProcess(
  main: string,
  env: Readonly<Record<string, string>>,
  // A fresh data directory's first start (PGlite's initdb in a child process, migrations, the seeded
  // catalog, two scrypt password hashes) takes ~10 s alone and three times that on a box also running
  // another suite: 30 s was seen to be too tight there.
  { readyTimeoutMs = 60_000 } = {},
): Promise<GatewayProcess> {
  // The child runs in the checkout: without its own DATA_DIR it would write into the user's ./data.
  if (!env.DATA_DIR)
    throw new Error('startGatewayProcess needs a DATA_DIR of its own (a temporary directory)');
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [main], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    if (output.length < 200_000) output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let gone: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void exited.then((e) => (gone = e));
  const baseUrl = `http://127.0.0.1:${port}`;
  const isReady = (): Promise<boolean> =>
    request(`${baseUrl}/health/ready`, { headersTimeout: 2_000, bodyTimeout: 2_000 })
      .then(async (res) => {
        await res.body.dump();
        return res.statusCode === 200;
      })
      .catch(() => false);
  try {
    await eventually(
      async () => {
        if (gone) throw new Error(`the gateway exited (${gone.code ?? gone.signal}) before it was ready`);
        return (await isReady()) || undefined;
      },
      readyTimeoutMs,
      'GET /health/ready to answer 200',
      25,
    );
  } catch (e) {
    if (!gone) {
      child.kill('SIGKILL');
      await exited;
    }
    throw new Error(`${(e as Error).message}:\n${output}`);
  }
  return {
    baseUrl,
    pid: child.pid!,
    exited,
    output: () => output,
    kill: async (signal) => {
      if (!gone) child.kill(signal);
      return exited;
    },
  };
}
