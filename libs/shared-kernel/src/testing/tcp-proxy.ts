import { connect, createServer, type Socket } from 'node:net';
import { Transform } from 'node:stream';

/**
 * A TCP proxy to `target` that a test can cut (the server stops and every connection through it
 * dies), or make slow: while held, the target's answers are kept back, in order, until released.
 */
export interface TcpProxy {
  readonly port: number;
  cut(): Promise<void>;
  hold(): void;
  release(): void;
}

export async function startTcpProxy(
  target: { host: string; port: number },
  /** Told every chunk a client sends to the target, as it is forwarded. */
  onSent?: (chunk: Buffer) => void,
): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let held = false;
  const waiting: Array<() => void> = [];
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    if (onSent) client.on('data', onSent);
    const answers = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        if (held) waiting.push(() => done(null, chunk));
        else done(null, chunk);
      },
    });
    client.pipe(upstream).pipe(answers).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    cut: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
    hold: () => {
      held = true;
    },
    release: () => {
      held = false;
      for (const send of waiting.splice(0)) send();
    },
  };
}
