import { StringDecoder } from 'node:string_decoder';
import type { Dispatcher } from 'undici';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '../openai-wire';
import { UpstreamError } from '../upstream-error';
import type { UpstreamProvider, UpstreamTarget } from '../upstream-provider.port';
import { ChatChunkDecoder } from './chat-chunk-decoder';
import { SseDataParser } from './sse-data-parser';
import { errorFromStatus, errorFromTransport, interruptedStreamError } from './upstream-error-mapping';
import { UpstreamPools, type ChatEndpoint } from './upstream-pools';

export interface OpenAICompatibleProviderOptions {
  /** Most sockets per upstream origin; default null (no limit, like undici). */
  readonly connectionsPerOrigin?: number | null;
  /** Idle keep-alive per socket; default 30 s (a lower `Keep-Alive: timeout` from the server wins). */
  readonly keepAliveTimeoutMs?: number;
  /** TCP/TLS connect timeout; default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Most bytes of an error body read for its message; default 64 KiB. */
  readonly maxErrorBodyBytes?: number;
}

type ResponseBody = Dispatcher.ResponseData['body'];

/**
 * The adapter for OpenAI and every OpenAI-compatible server (vLLM, Ollama, Groq, Together,
 * OpenRouter, the local mocks …). Requests go out unchanged except for `model` (the target's
 * upstream model) and, for streams, `stream_options.include_usage: true`. No retries here.
 */
export class OpenAICompatibleProvider implements UpstreamProvider {
  private readonly pools: UpstreamPools;
  private readonly maxErrorBodyBytes: number;

  constructor(options: OpenAICompatibleProviderOptions = {}) {
    this.pools = new UpstreamPools({
      connectionsPerOrigin: options.connectionsPerOrigin ?? null,
      keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? 30_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    });
    this.maxErrorBodyBytes = options.maxErrorBodyBytes ?? 64 * 1024;
  }

  async complete(
    target: UpstreamTarget,
    request: ChatCompletionRequest,
    signal?: AbortSignal,
  ): Promise<ChatCompletion> {
    const endpoint = this.pools.chatEndpoint(target.baseUrl, target.providerSlug);
    const body = JSON.stringify({
      ...request,
      model: target.upstreamModel,
      stream: false,
      stream_options: undefined,
    });
    const response = await this.send(endpoint, target, body, 'application/json', signal);
    if (response.statusCode < 200 || response.statusCode > 299) throw await this.httpError(response, target);
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw failure(error, target, signal);
    }
    return parseCompletion(text, target);
  }

  async *stream(
    target: UpstreamTarget,
    request: ChatCompletionRequest,
    signal?: AbortSignal,
  ): AsyncGenerator<ChatCompletionChunk, void, undefined> {
    const endpoint = this.pools.chatEndpoint(target.baseUrl, target.providerSlug);
    const body = JSON.stringify({
      ...request,
      model: target.upstreamModel,
      stream: true,
      stream_options: { ...request.stream_options, include_usage: true },
    });
    const response = await this.send(endpoint, target, body, 'text/event-stream', signal);
    if (response.statusCode < 200 || response.statusCode > 299) throw await this.httpError(response, target);

    const source = response.body;
    const parser = new SseDataParser();
    const decoder = new ChatChunkDecoder(target.providerSlug, target.apiKey);
    // undici's body ignores setEncoding; a StringDecoder keeps characters split across reads whole.
    const utf8 = new StringDecoder('utf8');
    let yielded = 0;
    let drained = false;
    try {
      for await (const bytes of source as AsyncIterable<Buffer>) {
        for (const data of parser.feed(utf8.write(bytes))) {
          const chunk = decoder.decode(data);
          if (chunk === undefined) continue;
          yielded += 1;
          yield chunk;
        }
      }
      drained = true;
      for (const data of [...parser.feed(utf8.end()), ...parser.end()]) {
        const chunk = decoder.decode(data);
        if (chunk === undefined) continue;
        yielded += 1;
        yield chunk;
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
    if (!decoder.complete) {
      throw new UpstreamError({
        kind: yielded > 0 ? 'stream_interrupted' : 'server',
        providerSlug: target.providerSlug,
        upstreamMessage: `the stream ended without [DONE] or a finish_reason after ${yielded} chunks`,
      });
    }
  }

  /** Closes every pooled connection (on shutdown). */
  close(): Promise<void> {
    return this.pools.close();
  }

  private async send(
    endpoint: ChatEndpoint,
    target: UpstreamTarget,
    body: string,
    accept: string,
    signal: AbortSignal | undefined,
  ): Promise<Dispatcher.ResponseData> {
    try {
      return await endpoint.pool.request({
        method: 'POST',
        path: endpoint.path,
        headers: requestHeaders(target, accept),
        body,
        headersTimeout: target.timeoutMs,
        bodyTimeout: target.timeoutMs,
        signal,
      });
    } catch (error) {
      throw failure(error, target, signal);
    }
  }

  private async httpError(response: Dispatcher.ResponseData, target: UpstreamTarget): Promise<UpstreamError> {
    const text = await readLimited(response.body, this.maxErrorBodyBytes);
    return errorFromStatus(target.providerSlug, response.statusCode, response.headers, text, target.apiKey);
  }
}

function requestHeaders(target: UpstreamTarget, accept: string): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept };
  if (target.extraHeaders) Object.assign(headers, target.extraHeaders);
  if (target.apiKey) headers['authorization'] = `Bearer ${target.apiKey}`;
  return headers;
}

/** The caller's own abort is rethrown as the signal's reason; everything else becomes an UpstreamError. */
function failure(error: unknown, target: UpstreamTarget, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return signal.reason ?? error;
  return errorFromTransport(target.providerSlug, error);
}

function parseCompletion(text: string, target: UpstreamTarget): ChatCompletion {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UpstreamError({
      kind: 'server',
      providerSlug: target.providerSlug,
      upstreamMessage: 'the answer is not JSON',
    });
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    !Array.isArray((value as { choices?: unknown }).choices)
  ) {
    throw new UpstreamError({
      kind: 'server',
      providerSlug: target.providerSlug,
      upstreamMessage: 'the answer is not a chat completion (no choices)',
    });
  }
  return value as ChatCompletion;
}

/** Reads at most `limit` bytes of an error body as text; a body that fails to arrive reads as ''. */
async function readLimited(body: ResponseBody, limit: number): Promise<string> {
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
