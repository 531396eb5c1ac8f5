import { StringDecoder } from 'node:string_decoder';
import type { Dispatcher, Pool } from 'undici';
import type { ChatCompletionChunk } from '../openai-wire';
import { SseDataParser } from '../openai-compatible/sse-data-parser';
import {
  errorFromStatus,
  errorFromTransport,
  interruptedStreamError,
  safeUpstreamMessage,
} from '../openai-compatible/upstream-error-mapping';
import { UpstreamPools } from '../openai-compatible/upstream-pools';
import { UpstreamError } from '../upstream-error';
import type { UpstreamTarget } from '../upstream-provider.port';

export interface UpstreamHttpOptions {
  /** Most sockets per upstream origin; default null (no limit, like undici). */
  readonly connectionsPerOrigin?: number | null;
  /** Idle keep-alive per socket; default 30 s (a lower `Keep-Alive: timeout` from the server wins). */
  readonly keepAliveTimeoutMs?: number;
  /** TCP/TLS connect timeout; default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Most bytes of an error body read for its message; default 64 KiB. */
  readonly maxErrorBodyBytes?: number;
  /** How a non-2xx answer becomes an UpstreamError; default the shared OpenAI-style mapping. */
  readonly errorFromStatus?: typeof errorFromStatus;
}

/** Turns one SSE `data:` payload into OpenAI chunks; `complete` once the vendor said the answer is whole. */
export interface StreamTranslator {
  translate(data: string): Iterable<ChatCompletionChunk>;
  readonly complete: boolean;
  /** Chunks held back until the stream is known to be whole (e.g. the usage chunk). */
  end?(): Iterable<ChatCompletionChunk>;
}

/** One POST: where (relative to the target's base URL), which headers, what body. */
export interface UpstreamPost {
  /** Appended to the base URL's path, e.g. `/messages`; may carry a query (`?alt=sse`). */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

interface Endpoint {
  readonly pool: Pool;
  readonly path: string;
}

/**
 * The transport every vendor adapter shares: pooled keep-alive undici clients per origin, per-attempt
 * timeouts, HTTP and transport failures mapped to UpstreamError (never echoing the key), JSON bodies,
 * and SSE streams decoded across reads. Vendors differ only in paths, headers and translation.
 */
export class UpstreamHttp {
  private readonly pools: UpstreamPools;
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly maxErrorBodyBytes: number;
  private readonly mapStatus: typeof errorFromStatus;

  constructor(options: UpstreamHttpOptions = {}) {
    this.mapStatus = options.errorFromStatus ?? errorFromStatus;
    this.pools = new UpstreamPools({
      connectionsPerOrigin: options.connectionsPerOrigin ?? null,
      keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? 30_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    });
    this.maxErrorBodyBytes = options.maxErrorBodyBytes ?? 64 * 1024;
  }

  /** POSTs JSON and returns the parsed JSON answer (a 2xx that is not JSON is a `server` error). */
  async postJson(target: UpstreamTarget, post: UpstreamPost, signal?: AbortSignal): Promise<unknown> {
    const response = await this.send(target, post, 'application/json', signal);
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw failure(error, target, signal);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw upstreamServerError(target, 'the answer is not JSON');
    }
  }

  /**
   * POSTs and streams the SSE answer through `translator`. A failure after a chunk was yielded is
   * `stream_interrupted` (the client already has output); before, it keeps its kind so the router
   * can fall back. A stream that ends before the translator is complete is an error too.
   */
  async *postStream(
    target: UpstreamTarget,
    post: UpstreamPost,
    translator: StreamTranslator,
    signal?: AbortSignal,
  ): AsyncGenerator<ChatCompletionChunk, void, undefined> {
    const response = await this.send(target, post, 'text/event-stream', signal);
    const source = response.body;
    const parser = new SseDataParser();
    // undici's body ignores setEncoding; a StringDecoder keeps characters split across reads whole.
    const utf8 = new StringDecoder('utf8');
    let yielded = 0;
    let drained = false;
    try {
      for await (const bytes of source as AsyncIterable<Buffer>) {
        for (const data of parser.feed(utf8.write(bytes))) {
          for (const chunk of translator.translate(data)) {
            yielded += 1;
            yield chunk;
          }
        }
      }
      drained = true;
      for (const data of [...parser.feed(utf8.end()), ...parser.end()]) {
        for (const chunk of translator.translate(data)) {
          yielded += 1;
          yield chunk;
        }
      }
    } catch (error) {
      const mapped = failure(error, target, signal);
      throw yielded > 0 && mapped instanceof UpstreamError
        ? interruptedStreamError(target.providerSlug, mapped)
        : mapped;
    } finally {
      // Stopped early (consumer break, error): the socket is mid-response and cannot be reused.
      if (!drained) source.destroy();
    }
    if (!translator.complete) {
      throw new UpstreamError({
        kind: yielded > 0 ? 'stream_interrupted' : 'server',
        providerSlug: target.providerSlug,
        upstreamMessage: safeUpstreamMessage(
          `the stream ended before the answer was complete (${yielded} chunks)`,
          target.apiKey,
        ),
      });
    }
    if (translator.end) yield* translator.end();
  }

  /** Closes every pooled connection (on shutdown). */
  close(): Promise<void> {
    this.endpoints.clear();
    return this.pools.close();
  }

  private endpoint(target: UpstreamTarget, path: string): Endpoint {
    const key = `${target.baseUrl}\n${path}`;
    const known = this.endpoints.get(key);
    if (known) return known;
    // The shared pools validate the URL (a `connection` error without the URL) and own the Pool.
    const { pool } = this.pools.chatEndpoint(target.baseUrl, target.providerSlug);
    const url = new URL(target.baseUrl);
    // Keys travel in headers only: a `key` parameter on a base URL is dropped, never sent.
    url.searchParams.delete('key');
    const [suffix = '', ownQuery = ''] = path.split('?', 2);
    const query = [ownQuery, url.searchParams.toString()].filter(Boolean).join('&');
    const endpoint = {
      pool,
      path: `${url.pathname.replace(/\/+$/, '')}${suffix}${query ? `?${query}` : ''}`,
    };
    this.endpoints.set(key, endpoint);
    return endpoint;
  }

  private async send(
    target: UpstreamTarget,
    post: UpstreamPost,
    accept: string,
    signal: AbortSignal | undefined,
  ): Promise<Dispatcher.ResponseData> {
    const endpoint = this.endpoint(target, post.path);
    let response: Dispatcher.ResponseData;
    try {
      response = await endpoint.pool.request({
        method: 'POST',
        path: endpoint.path,
        headers: { 'content-type': 'application/json', accept, ...post.headers },
        body: JSON.stringify(post.body),
        headersTimeout: target.timeoutMs,
        bodyTimeout: target.timeoutMs,
        signal,
      });
    } catch (error) {
      throw failure(error, target, signal);
    }
    if (response.statusCode < 200 || response.statusCode > 299) {
      const text = await readLimited(response.body, this.maxErrorBodyBytes);
      throw this.mapStatus(target.providerSlug, response.statusCode, response.headers, text, target.apiKey);
    }
    return response;
  }
}

export const upstreamServerError = (target: UpstreamTarget, message: string): UpstreamError =>
  new UpstreamError({ kind: 'server', providerSlug: target.providerSlug, upstreamMessage: message });

/** The caller's own abort is rethrown as the signal's reason; everything else becomes an UpstreamError. */
function failure(error: unknown, target: UpstreamTarget, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return signal.reason ?? error;
  return errorFromTransport(target.providerSlug, error);
}

/** Reads at most `limit` bytes of an error body as text; a body that fails to arrive reads as ''. */
async function readLimited(body: Dispatcher.ResponseData['body'], limit: number): Promise<string> {
  let text = '';
  const utf8 = new StringDecoder('utf8');
  try {
    for await (const bytes of body as AsyncIterable<Buffer>) {
      text += utf8.write(bytes);
      if (text.length >= limit) break; // leaving the loop destroys the body
    }
  } catch {
    // The status alone still says what happened.
  }
  return text.slice(0, limit);
}
