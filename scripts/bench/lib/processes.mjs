// Child processes (mock upstream, gateway) and temp dirs of a bench run, always cleaned up:
// on normal exit, on errors, on Ctrl-C / SIGTERM, and (best effort, synchronously) on process exit.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';

const children = new Set();
const tempDirs = new Set();
let cleaning = null;

export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..');

export function makeTempDir(prefix = 'switchyard-bench-') {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir) {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/** A free TCP port on 127.0.0.1 (the gateway prints no port when given PORT=0). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Spawns `node <args>` with stdout/stderr captured (last 64 KiB kept for error messages). */
function spawnNode(name, args, env, nodeFlags = []) {
  const child = spawn(process.execPath, [...nodeFlags, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc = { name, child, pid: child.pid, output: '', exited: false, exitCode: null };
  const keep = (data) => {
    proc.output = (proc.output + data.toString('utf8')).slice(-65536);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('exit', (code, signal) => {
    proc.exited = true;
    proc.exitCode = code ?? signal;
    children.delete(proc);
  });
  children.add(proc);
  return proc;
}

function waitForOutput(proc, pattern, timeoutMs) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      const m = pattern.exec(proc.output);
      if (m) {
        clearInterval(timer);
        resolve(m);
      } else if (proc.exited) {
        clearInterval(timer);
        reject(new Error(`${proc.name} exited (${proc.exitCode}) before it was ready:\n${proc.output}`));
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        reject(new Error(`${proc.name} was not ready after ${timeoutMs} ms:\n${proc.output}`));
      }
    }, 20);
  });
}

/** The standalone mock upstream (dist/libs/providers/src/mock/main.js). */
export async function startMock({ latencyMs = 0 } = {}) {
  const proc = spawnNode('mock', ['dist/libs/providers/src/mock/main.js'], {
    MOCK_PORT: '0',
    MOCK_HOST: '127.0.0.1',
    MOCK_LATENCY_MS: String(latencyMs),
    MOCK_FAILURE_RATE: '0',
  });
  const m = await waitForOutput(proc, /^(\{"url":.*\})$/m, 15_000);
  const { url } = JSON.parse(m[1]);
  return { ...proc, proc, url };
}

/** The minimal node:http + undici proxy (lib/minimal-proxy.mjs) in front of `upstreamUrl`. */
export async function startMinimalProxy(upstreamUrl) {
  const proc = spawnNode('minimal proxy', ['scripts/bench/lib/minimal-proxy.mjs'], {
    UPSTREAM_URL: upstreamUrl,
    PORT: '0',
  });
  const m = await waitForOutput(proc, /^(\{"url":.*\})$/m, 15_000);
  return { proc, pid: proc.pid, url: JSON.parse(m[1]).url };
}

/**
 * A gateway on a fresh DATA_DIR pointed at `mockUrl`; resolves once GET /health/ready answers 200.
 * `nodeFlags` e.g. ['--cpu-prof', '--cpu-prof-dir=…'] for profiling.
 */
export async function startGateway({ durability, mockUrl, nodeFlags = [], extraEnv = {} }) {
  const dataDir = makeTempDir(`switchyard-bench-${durability}-`);
  const port = await freePort();
  const proc = spawnNode(
    `gateway (${durability})`,
    ['dist/apps/gateway/src/main.js'],
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DURABILITY: durability,
      LOG_LEVEL: 'warn',
      MOCK_LATENCY_MS: '0',
      MOCK_FAILURE_RATE: '0',
      MOCK_PROVIDERS: 'on',
      MOCK_UPSTREAM_URL: mockUrl,
      ...extraEnv,
    },
    nodeFlags,
  );
  const started = performance.now();
  await waitForOutput(proc, /Switchyard is listening on/, 120_000);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (proc.exited) throw new Error(`${proc.name} exited:\n${proc.output}`);
    try {
      const res = await request(`${url}/health/ready`, { headersTimeout: 5_000, bodyTimeout: 5_000 });
      await res.body.dump();
      if (res.statusCode === 200) break;
    } catch {
      // not yet
    }
    if (i >= 600) throw new Error(`${proc.name}: /health/ready never answered 200`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const credentials = JSON.parse(readFileSync(path.join(dataDir, 'credentials.json'), 'utf8'));
  // The load is one user (the demo user, professional: 100 requests a minute). Limits high enough
  // never to refuse, so every request still pays for the rate-limit check it would in production.
  const huge = 1_000_000_000;
  const limits = await request(`${url}/api/v1/admin/limits`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${credentials.admin.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ tiers: { professional: { rpm: huge, rph: huge, rpd: huge, tpm: huge } } }),
  });
  await limits.body.dump();
  if (limits.statusCode !== 200) throw new Error(`PUT /api/v1/admin/limits answered ${limits.statusCode}`);
  // Credits enough never to run out ($10,000), so every request still pays for the budget check
  // (its worst case held and settled) it would in production.
  const grant = await request(`${url}/api/v1/admin/users/${credentials.user.userId}/credits`, {
    method: 'POST',
    headers: { authorization: `Bearer ${credentials.admin.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ amountMicros: '10000000000', reason: 'benchmark' }),
  });
  await grant.body.dump();
  if (grant.statusCode !== 201) throw new Error(`POST credits answered ${grant.statusCode}`);
  return {
    proc,
    pid: proc.pid,
    url,
    dataDir,
    userKey: credentials.user.apiKey,
    startupMs: performance.now() - started,
  };
}

/** SIGTERM, then SIGKILL after `graceMs`. Resolves when the process is gone. */
export function stopProcess(proc, graceMs = 10_000) {
  if (!proc || proc.exited) return Promise.resolve();
  return new Promise((resolve) => {
    const killTimer = setTimeout(() => {
      try {
        proc.child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }, graceMs);
    proc.child.once('exit', () => {
      clearTimeout(killTimer);
      resolve();
    });
    try {
      proc.child.kill('SIGTERM');
    } catch {
      clearTimeout(killTimer);
      resolve();
    }
  });
}

/** Stops every child still running and removes every temp dir. Idempotent. */
export function cleanupAll() {
  cleaning ??= (async () => {
    await Promise.all([...children].map((p) => stopProcess(p, 5_000)));
    for (const dir of [...tempDirs]) removeTempDir(dir);
  })();
  return cleaning;
}

let handlersInstalled = false;
/** Ctrl-C, SIGTERM, uncaught errors and a global time limit all end in cleanupAll(). */
export function installCleanupHandlers({ timeoutSeconds }) {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const bail = (code, message) => {
    if (message) process.stderr.write(`\n${message}\n`);
    cleanupAll().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => bail(130, 'interrupted: stopping children, removing temp dirs'));
  process.once('SIGTERM', () => bail(143, 'terminated: stopping children, removing temp dirs'));
  process.on('uncaughtException', (e) => bail(1, `bench failed: ${e?.stack ?? e}`));
  process.on('unhandledRejection', (e) => bail(1, `bench failed: ${e?.stack ?? e}`));
  const timer = setTimeout(
    () => bail(1, `bench exceeded BENCH_TIMEOUT_SECONDS=${timeoutSeconds}`),
    timeoutSeconds * 1000,
  );
  timer.unref();
  // Last resort if something calls process.exit() directly: synchronous kill + rm.
  process.on('exit', () => {
    for (const p of children) {
      try {
        p.child.kill('SIGKILL');
      } catch {
        // gone
      }
    }
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });
}

/** utime+stime of a process from /proc (Linux; 10 ms ticks), in seconds; null elsewhere. */
export function procCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime is field 14, stime field 15
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** Busy (non-idle, non-iowait) CPU seconds of the whole machine from /proc/stat; null elsewhere. */
export function machineBusySeconds() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0); // user nice system idle iowait irq softirq steal
    return (total - v[3] - v[4]) / 100;
  } catch {
    return null;
  }
}

/** Runs a bench script's `main`, then stops every child it started, whether it succeeded or not. */
export function runMain(name, main) {
  main()
    .then(() => cleanupAll())
    .then(() => process.exit(0))
    .catch(async (e) => {
      process.stderr.write(`${name} failed: ${e?.stack ?? e}\n`);
      await cleanupAll();
      process.exit(1);
    });
}
