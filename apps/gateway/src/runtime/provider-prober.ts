import type { Logger } from 'pino';
import type { ProviderKind } from '@gw/catalog';
import { UpstreamError, type ProbeResult, type UpstreamProvider } from '@gw/providers';
import type { ProviderHealthTracker } from '@gw/routing';
import { IllegalStateError, NotFoundError } from '@gw/shared-kernel';
import type { CatalogState } from './catalog-state';

const PROBE_TIMEOUT_MS = 10_000;

export type ConnectionTest =
  | {
      readonly ok: true;
      readonly latencyMs: number;
      readonly status: number;
      /** How many models the provider lists for this key. */
      readonly modelsListed: number;
      /** Catalog models of this provider the provider does not list (renamed or retired upstream?). */
      readonly catalogModelsNotListed: readonly string[];
    }
  | {
      readonly ok: false;
      readonly latencyMs: number;
      readonly error: { readonly kind: string; readonly status: number | null; readonly message: string };
    };

/**
 * Live checks of providers through their own APIs' free model listing: the admin's connection test,
 * and the periodic active health probe that feeds the circuit breakers.
 */
export class ProviderProber {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly catalog: CatalogState,
    private readonly upstreams: ReadonlyMap<ProviderKind, UpstreamProvider>,
    private readonly health: ProviderHealthTracker,
    private readonly logger: Logger,
  ) {}

  /** Tests a registered provider (any status) with its platform key, or with `apiKey` to try one first. */
  async test(slug: string, apiKey?: string): Promise<ConnectionTest> {
    const outcome = await this.probe(slug, apiKey);
    if (!outcome.ok)
      return {
        ok: false,
        latencyMs: outcome.latencyMs,
        error: {
          kind: outcome.error.kind,
          status: outcome.error.status ?? null,
          message: outcome.error.message,
        },
      };
    const listed = new Set(outcome.result.models);
    return {
      ok: true,
      latencyMs: Math.round(outcome.result.latencyMs * 10) / 10,
      status: outcome.result.status,
      modelsListed: outcome.result.models.length,
      catalogModelsNotListed: this.catalog.view
        .models(slug)
        .filter((m) => !listed.has(m.spec.model))
        .map((m) => m.id),
    };
  }

  /**
   * Tests a caller's own OpenAI-compatible endpoint (BYOK custom) with their key: a user-supplied URL,
   * so its addresses are checked with trust `user` when connecting.
   */
  async testEndpoint(slug: string, baseUrl: string, apiKey: string): Promise<ConnectionTest> {
    const started = performance.now();
    try {
      const result = await this.upstream('openai-compatible').probe(
        { providerSlug: slug, baseUrl, apiKey, timeoutMs: PROBE_TIMEOUT_MS, trust: 'user' },
        AbortSignal.timeout(PROBE_TIMEOUT_MS),
      );
      return {
        ok: true,
        latencyMs: Math.round(result.latencyMs * 10) / 10,
        status: result.status,
        modelsListed: result.models.length,
        catalogModelsNotListed: [],
      };
    } catch (e) {
      if (!(e instanceof UpstreamError)) throw e;
      return {
        ok: false,
        latencyMs: Math.round((performance.now() - started) * 10) / 10,
        error: { kind: e.kind, status: e.status ?? null, message: e.message },
      };
    }
  }

  /** Probes every active provider now (skipping the built-in mocks unless `includeMocks`). */
  async probeActive(includeMocks: boolean): Promise<void> {
    const probes = this.catalog.view
      .providers()
      .filter((p) => this.catalog.status(p) === 'active')
      .filter((p) => includeMocks || !p.spec.baseUrl.startsWith('mock:'))
      .map(async (p) => {
        const outcome = await this.probe(p.spec.slug);
        this.health.recordProbe(
          p.spec.slug,
          outcome.ok ? { ok: true } : { ok: false, reason: outcome.error.kind },
        );
        if (!outcome.ok)
          this.logger.warn(
            { provider: p.spec.slug, reason: outcome.error.kind },
            'active health probe failed',
          );
      });
    await Promise.allSettled(probes);
  }

  /** One call to the provider's model listing; upstream failures are returned, not thrown. */
  private async probe(
    slug: string,
    apiKey?: string,
  ): Promise<{ ok: true; result: ProbeResult } | { ok: false; error: UpstreamError; latencyMs: number }> {
    const provider = this.catalog.view.provider(slug);
    if (!provider)
      throw new NotFoundError('CATALOG.PROVIDER_NOT_FOUND', `The provider \`${slug}\` does not exist.`, {
        param: 'slug',
      });
    const baseUrl = this.catalog.resolver.baseUrl(provider);
    if (baseUrl === undefined)
      throw new IllegalStateError(
        'CATALOG.PROVIDER_UNREACHABLE',
        `The provider \`${slug}\` has no address this gateway can reach (built-in mocks are off).`,
        { param: 'slug' },
      );
    const key = apiKey ?? this.catalog.resolver.apiKey(slug);
    if (key === undefined && provider.spec.requiresKey)
      throw new IllegalStateError(
        'CATALOG.NO_PLATFORM_KEY',
        `The provider \`${slug}\` has no platform key; set one, or pass apiKey to test a key first.`,
        { param: 'apiKey' },
      );
    const started = performance.now();
    try {
      const result = await this.upstream(provider.spec.kind).probe(
        { providerSlug: slug, baseUrl, apiKey: key, timeoutMs: PROBE_TIMEOUT_MS },
        AbortSignal.timeout(PROBE_TIMEOUT_MS),
      );
      return { ok: true, result };
    } catch (e) {
      if (!(e instanceof UpstreamError)) throw e;
      return { ok: false, error: e, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
    }
  }

  /** Starts periodic probes (intervalMs 0: never). One round at a time; rounds never overlap. */
  start(intervalMs: number, includeMocks: boolean): void {
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.probeActive(includeMocks).finally(() => (this.running = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private upstream(kind: ProviderKind): UpstreamProvider {
    const upstream = this.upstreams.get(kind);
    if (!upstream) throw new Error(`No upstream adapter for ${kind}`);
    return upstream;
  }
}
