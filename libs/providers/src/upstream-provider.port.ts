import type { UpstreamTrust } from '@gw/shared-kernel';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from './openai-wire';

/** Where and how to call one upstream model for one attempt. Resolved by the router per attempt. */
export interface UpstreamTarget {
  /** The provider's slug in the catalog; the only provider identity that appears in errors. */
  readonly providerSlug: string;
  /** The API root including its version path, e.g. `https://api.openai.com/v1`. */
  readonly baseUrl: string;
  /** The decrypted provider key (BYOK or platform); sent as a Bearer token, never logged. */
  readonly apiKey?: string;
  /** The provider's own model id; replaces the client's `model` in the upstream request. */
  readonly upstreamModel: string;
  /** Per attempt: the longest wait for response headers, and for each later body read. */
  readonly timeoutMs: number;
  readonly extraHeaders?: Readonly<Record<string, string>>;
  /**
   * Who chose `baseUrl` (default `admin`): loopback and private addresses are reachable for admins
   * only (or hosts in ALLOWED_UPSTREAM_HOSTS); link-local and metadata addresses for nobody. Checked
   * on every address the host resolves to, when connecting.
   */
  readonly trust?: UpstreamTrust;
}

/** Where and how to reach a provider for a probe: a target without a model. */
export type ProbeTarget = Omit<UpstreamTarget, 'upstreamModel'>;

/** The most model ids a probe returns; longer listings are cut. */
export const MAX_PROBED_MODELS = 1000;

/** What a successful probe found out. */
export interface ProbeResult {
  /** From sending the request to the parsed answer, in milliseconds (0.1 ms precision). */
  readonly latencyMs: number;
  /** The HTTP status of the answer (2xx). */
  readonly status: number;
  /** The model ids the provider lists for this key, in its order, at most MAX_PROBED_MODELS. */
  readonly models: readonly string[];
}

/**
 * The port every vendor adapter implements. Requests and answers are in the OpenAI wire format; an
 * adapter for another vendor translates both ways. Adapters never retry: fallback is the router's job.
 * Failures are thrown as UpstreamError; an abort through `signal` rethrows the signal's reason.
 */
export interface UpstreamProvider {
  /**
   * The request parameters this adapter reads (OpenAI's, plus any vendor extension it maps); every
   * other field of a request is dropped, never sent upstream.
   */
  readonly knownParams: ReadonlySet<string>;

  complete(
    target: UpstreamTarget,
    request: ChatCompletionRequest,
    signal?: AbortSignal,
  ): Promise<ChatCompletion>;

  /**
   * Streams OpenAI chunks. The upstream is always asked for usage (`stream_options.include_usage`)
   * so the gateway can bill, whatever the client asked; the gateway drops the usage chunk for clients
   * that did not ask for it. The request starts on the first `next()`, so a failure before the first
   * chunk rejects that `next()` and can still fall back. Stopping the iteration early (break/return)
   * cancels the upstream request.
   */
  stream(
    target: UpstreamTarget,
    request: ChatCompletionRequest,
    signal?: AbortSignal,
  ): AsyncIterable<ChatCompletionChunk>;

  /**
   * A cheap live check for connection tests and active health checks: lists the provider's models
   * with the key (a free endpoint, no tokens spent), which proves that the provider answers and
   * accepts the key. Fails like `complete` does (401 → auth, 429 → rate_limited, refused →
   * connection, …) and never puts the key into the error.
   */
  probe(target: ProbeTarget, signal?: AbortSignal): Promise<ProbeResult>;
}
