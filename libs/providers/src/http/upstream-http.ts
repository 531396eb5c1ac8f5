import { StringDecoder } from 'node:string_decoder';
import type { Dispatcher, Pool } from 'undici';
import type { ChatCompletionChunk } from '../openai-wire';
import { SseDataParser, SseEventTooLargeError } from '../openai-compatible/sse-data-parser';
import {
  errorFromStatus,
  errorFromTransport,
  interruptedStreamError,
  safeUpstreamMessage,
} from '../openai-compatible/upstream-error-mapping';
import { UpstreamPools, type ResolveAll } from '../openai-compatible/upstream-pools';
import { UpstreamError } from '../upstream-error';
import type { ProbeTarget, UpstreamTarget } from '../upstream-provider.port';

export interface UpstreamHttpOptions {
  /** Most sockets per upstream origin; default null (no limit, like undici). */
  readonly connectionsPerOrigin?: number | null;
  /** Idle keep-alive per socket; default 30 s (a lower `Keep-Alive: timeout` from the server wins). */
  readonly keepAliveTimeoutMs?: number;
  /** TCP/TLS connect timeout; default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Most bytes of an error body read for its message; default 64 KiB. */
  readonly maxErrorBodyBytes?: number;
  /** Most bytes of a 2xx JSON answer (completions, model listings); default 32 MiB. Beyond: `server`. */
  readonly maxJsonBodyBytes?: number;
  /** Most characters of one SSE event (its `data` lines together); default 8 MiB. Beyond: an error. */
  readonly maxStreamEventChars?: number;
  /** Most bytes of a whole SSE stream; default 64 MiB. Beyond: an error (`stream_interrupted` after output). */
  readonly maxStreamBytes?: number;
  /** Hosts whose internal addresses user-supplied base URLs may reach (`ALLOWED_UPSTREAM_HOSTS`). */
  readonly allowedUpstreamHosts?: ReadonlySet<string>;
  /** How host names are resolved before the connect-time address check (tests fake DNS here). */
  readonly resolveAll?: ResolveAll;
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

/** One GET: where (relative to the target's base URL) and which headers. */
export interface UpstreamGet {
  /** Appended to the base URL's path, e.g. `/models`; may carry a query (`?limit=1000`). */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /**
   * Rewrites the base URL's path (without its trailing slash) before `path` is appended, for an
   * endpoint outside the base URL's version (Cohere lists models under `/v1` of a `/v2` base).
   */
  readonly basePath?: (pathname: string) => string;
}

/** A parsed 2xx JSON answer and its status. */
export interface UpstreamJsonAnswer {
  readonly status: number;
  readonly body: unknown;
}

interface Endpoint {
  readonly pool: Pool;
  readonly path: string;
}

interface UpstreamRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly basePath?: (pathname: string) => string;
  readonly headers: Readonly<Record<string, string>>;
  /** Sent as JSON with a POST; a GET has none. */
  readonly body?: unknown;
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
  private readonly maxJsonBodyBytes: number;
  private readonly maxStreamEventChars: number;
  private readonly maxStreamBytes: number;
  private readonly mapStatus: typeof errorFromStatus;

  constructor(options: UpstreamHttpOptions = {}) {
    this.mapStatus = options.errorFromStatus ?? errorFromStatus;
    this.pools = new UpstreamPools({
      connectionsPerOrigin: options.connectionsPerOrigin ?? null,
      keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? 30_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      allowedHosts: options.allowedUpstreamHosts,
      resolveAll: options.resolveAll,
    });
    this.maxErrorBodyBytes = options.maxErrorBodyBytes ?? 64 * 1024;
    this.maxJsonBodyBytes = options.maxJsonBodyBytes ?? 32 * MIB;
    this.maxStreamEventChars = options.maxStreamEventChars ?? 8 * MIB;
    this.maxStreamBytes = options.maxStreamBytes ?? 64 * MIB;
  }

  /** POSTs JSON and returns the parsed JSON answer (a 2xx that is not JSON is a `server` error). */
  async postJson(target: UpstreamTarget, post: UpstreamPost, signal?: AbortSignal): Promise<unknown> {
    const response = await this.send(target, postRequest(post), 'application/json', signal);
    return readJson(response, target, signal, this.maxJsonBodyBytes);
  }

  /**
   * GETs JSON (no body) with the same pools, timeouts and error mapping as `postJson`, and returns
   * the parsed answer with its status (a 2xx that is not JSON is a `server` error).
   */
  async getJson(target: ProbeTarget, get: UpstreamGet, signal?: AbortSignal): Promise<UpstreamJsonAnswer> {
    const request: UpstreamRequest = {
      method: 'GET',
      path: get.path,
      basePath: get.basePath,
      headers: get.headers,
    };
    const response = await this.send(target, request, 'application/json', signal);
    return {
      status: response.statusCode,
      body: await readJson(response, target, signal, this.maxJsonBodyBytes),
    };
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
    const response = await this.send(target, postRequest(post), 'text/event-stream', signal);
    const source = response.body;
    const parser = new SseDataParser(this.maxStreamEventChars);
    // undici's body ignores setEncoding; a StringDecoder keeps characters split across reads whole.
    const utf8 = new StringDecoder('utf8');
    let yielded = 0;
    let received = 0;
    let drained = false;
    try {
      for await (const bytes of source as AsyncIterable<Buffer>) {
        received += bytes.length;
        if (received > this.maxStreamBytes)
          throw upstreamServerError(target, `the stream is larger than ${sizeOf(this.maxStreamBytes)}`);
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

  private endpoint(target: ProbeTarget, path: string, basePath?: (pathname: string) => string): Endpoint {
    // Rewritten base paths (rare probes) are not cached: the key could not tell rewrites apart.
    const trust = target.trust ?? 'admin';
    const key = basePath ? undefined : `${trust}\n${target.baseUrl}\n${path}`;
    const known = key === undefined ? undefined : this.endpoints.get(key);
    if (known) return known;
    // The shared pools validate the URL (a `connection` error without the URL) and own the Pool.
    const { pool } = this.pools.chatEndpoint(target.baseUrl, target.providerSlug, trust);
    const url = new URL(target.baseUrl);
    // Keys travel in headers only: a `key` parameter on a base URL is dropped, never sent.
    url.searchParams.delete('key');
    const [suffix = '', ownQuery = ''] = path.split('?', 2);
    const query = [ownQuery, url.searchParams.toString()].filter(Boolean).join('&');
    const base = url.pathname.replace(/\/+$/, '');
    const endpoint = {
      pool,
      path: `${basePath ? basePath(base) : base}${suffix}${query ? `?${query}` : ''}`,
    };
    if (key !== undefined) this.endpoints.set(key, endpoint);
    return endpoint;
  }

  private async send(
    target: ProbeTarget,
    request: UpstreamRequest,
    accept: string,
    signal: AbortSignal | undefined,
  ): Promise<Dispatcher.ResponseData> {
    const endpoint = this.endpoint(target, request.path, request.basePath);
    const post = request.method === 'POST';
    let response: Dispatcher.ResponseData;
    try {
      response = await endpoint.pool.request({
        method: request.method,
        path: endpoint.path,
        headers: post
          ? { 'content-type': 'application/json', accept, ...request.headers }
          : { accept, ...request.headers },
        body: post ? JSON.stringify(request.body) : undefined,
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

export const upstreamServerError = (target: ProbeTarget, message: string): UpstreamError =>
  new UpstreamError({ kind: 'server', providerSlug: target.providerSlug, upstreamMessage: message });

const postRequest = (post: UpstreamPost): UpstreamRequest => ({
  method: 'POST',
  path: post.path,
  headers: post.headers,
  body: post.body,
});

const MIB = 1024 * 1024;

const sizeOf = (bytes: number): string => (bytes % MIB === 0 ? `${bytes / MIB} MiB` : `${bytes} bytes`);

/**
 * Reads a 2xx body as JSON, at most `limit` bytes (a larger body, declared or sent, is a `server`
 * error and is not read further); a body that fails to arrive is mapped like any transport failure.
 */
async function readJson(
  response: Dispatcher.ResponseData,
  target: ProbeTarget,
  signal: AbortSignal | undefined,
  limit: number,
): Promise<unknown> {
  const tooLarge = () => upstreamServerError(target, `the answer is larger than ${sizeOf(limit)}`);
  const declared = Number(response.headers['content-length']);
  if (declared > limit) {
    // Not read at all; the socket goes (destroying an unread body reports an abort, expected here).
    response.body.on('error', () => undefined).destroy();
    throw tooLarge();
  }
  let text: string;
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const bytes of response.body as AsyncIterable<Buffer>) {
      size += bytes.length;
      if (size > limit) throw tooLarge(); // leaving the loop destroys the body
      chunks.push(bytes);
    }
    text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)).toString('utf8');
  } catch (error) {
    throw failure(error, target, signal);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw upstreamServerError(target, 'the answer is not JSON');
  }
}

/** The caller's own abort is rethrown as the signal's reason; everything else becomes an UpstreamError. */
function failure(error: unknown, target: ProbeTarget, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return signal.reason ?? error;
  if (error instanceof SseEventTooLargeError) return upstreamServerError(target, error.message);
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
