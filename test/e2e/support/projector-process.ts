import { spawn } from 'node:child_process';
import path from 'node:path';
import { eventually } from '@gw/shared-kernel/testing';

const root = path.resolve(__dirname, '../../..');

/** One line of the projector's JSON log (pino). */
export interface ProjectorLogLine {
  readonly msg?: string;
  readonly projection?: string;
  readonly checkpoint?: string | null;
  readonly [field: string]: unknown;
}

export interface ProjectorProcess {
  readonly pid: number;
  /** The JSON log lines written so far. */
  readonly logs: () => ProjectorLogLine[];
  /** Everything written to stdout and stderr so far (for failure messages). */
  readonly output: () => string;
  /** Sends `signal` and resolves once the process has exited. */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** apps/projector's entry point in the same build as `gatewayMain` (see buildGateway). */
export const projectorMainBesides = (gatewayMain: string): string =>
  path.resolve(path.dirname(gatewayMain), '../../projector/src/main.js');

/**
 * Starts the built `apps/projector` as a child process with exactly `env` (plus PATH) and resolves
 * once it logs "projector running" (every runner has read its checkpoint and subscribed). Rejects with
 * its output if it exits or is not running within `readyTimeoutMs`.
 */
export async function startProjectorProcess(
  main: string,
  env: Readonly<Record<string, string>>,
  { readyTimeoutMs = 30_000 } = {},
): Promise<ProjectorProcess> {
  const child = spawn(process.execPath, [main], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const lines: ProjectorLogLine[] = [];
  let partial = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    const parts = (partial + text).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      try {
        lines.push(JSON.parse(line) as ProjectorLogLine);
      } catch {
        // not a log line (a stack trace, say): kept in `output`
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let gone: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve((gone = { code, signal }))),
  );
  try {
    await eventually(
      () => {
        if (gone) throw new Error(`the projector exited (${gone.code ?? gone.signal}) before it ran`);
        return lines.some((l) => l.msg === 'projector running') ? true : undefined;
      },
      readyTimeoutMs,
      'the projector to log "projector running"',
      20,
    );
  } catch (e) {
    if (!gone) child.kill('SIGKILL');
    await exited;
    throw new Error(`${(e as Error).message}\n${output}`);
  }
  return {
    pid: child.pid!,
    logs: () => [...lines],
    output: () => output,
    kill: async (signal) => {
      if (!gone) child.kill(signal);
      return exited;
    },
  };
}
