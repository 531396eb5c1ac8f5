import { createServer, type AddressInfo } from 'node:net';
import type { ChatCompletionChunk } from '../openai-wire';
import { UpstreamError } from '../upstream-error';

/** Every chunk of a stream, in order. */
export async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

/** Runs `run`, expects it to throw an UpstreamError, and returns it. */
export async function upstreamErrorOf(run: () => Promise<unknown>): Promise<UpstreamError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof UpstreamError) return error;
    throw error;
  }
  throw new Error('expected an UpstreamError');
}

/** The key appears nowhere an error could be printed, logged or serialised. */
export function expectNoKey(error: UpstreamError, key: string): void {
  expect(error.message).not.toContain(key);
  expect(error.upstreamMessage).not.toContain(key);
  expect(String(error.stack)).not.toContain(key);
  expect(JSON.stringify(error)).not.toContain(key);
  expect(
    JSON.stringify(Object.getOwnPropertyNames(error).map((name) => String(Reflect.get(error, name)))),
  ).not.toContain(key);
}

/** Runs `run` (synchronous), expects it to throw an UpstreamError, and returns it. */
export function upstreamErrorThrownBy(run: () => unknown): UpstreamError {
  try {
    run();
  } catch (error) {
    if (error instanceof UpstreamError) return error;
    throw error;
  }
  throw new Error('expected an UpstreamError');
}

/** A port on 127.0.0.1 that nothing listens on (a refused connection). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
