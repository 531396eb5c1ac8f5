import { connect, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import { DeadlineExceededError, withDeadline } from './deadline';

/** An echo server on its own thread (like Redis, in its own process): it answers while this one is busy. */
const ECHO_SERVER = `
const { parentPort } = require('node:worker_threads');
// A reset from the closing client is no failure of the thread (unhandled, it fails the suite).
const server = require('node:net').createServer((s) => {
  s.on('error', () => undefined);
  s.on('data', (d) => s.write(d));
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
`;

/** Keeps the event loop busy (no I/O, no timers) for `ms`. */
const block = (ms: number): void => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('withDeadline', () => {
  let server: Worker;
  let client: Socket;
  beforeAll(async () => {
    server = new Worker(ECHO_SERVER, { eval: true });
    const port = await new Promise<number>((r) => server.once('message', r));
    client = connect(port, '127.0.0.1');
    client.on('error', () => undefined); // the server thread going away at the end is no failure
    await new Promise<void>((r) => client.once('connect', () => r()));
  });
  afterAll(async () => {
    const closed = new Promise<void>((r) => client.once('close', () => r()));
    client.end(); // a FIN, not a reset
    await closed;
    await server.terminate();
  });

  const echo = (text: string): Promise<string> =>
    new Promise((resolve) => {
      client.once('data', (d) => resolve(d.toString()));
      client.write(text);
    });

  it('gives the answer of a call that answers in time', async () => {
    await expect(withDeadline(echo('ping'), 1_000)).resolves.toBe('ping');
  });

  it('fails a call that does not answer, with the deadline it missed', async () => {
    const never = new Promise<string>(() => undefined);
    const error = await withDeadline(never, 20).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as DeadlineExceededError).deadlineMs).toBe(20);
  });

  it('passes a failure through', async () => {
    await expect(withDeadline(Promise.reject(new Error('refused')), 1_000)).rejects.toThrow('refused');
  });

  it('an answer that arrived while the event loop was busy past the deadline is not a timeout', async () => {
    // The echo is back within a millisecond; this thread is then busy for 300 ms, so the 50 ms timer
    // and the answer are both due when the loop turns: a plain timer would fail it.
    const answer = withDeadline(echo('late-looking'), 50);
    block(300);
    await expect(answer).resolves.toBe('late-looking');
    // The same with a plain timer, as a control: the timer wins.
    const plain = Promise.race([
      echo('raced'),
      new Promise<string>((_, reject) => setTimeout(() => reject(new Error('timed out')), 50)),
    ]);
    block(300);
    await expect(plain).rejects.toThrow('timed out');
  });
});
