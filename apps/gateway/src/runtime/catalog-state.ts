import type { Logger } from 'pino';
import {
  buildRoutingSnapshot,
  CATALOG_EVENT_TYPES,
  CatalogView,
  MOCK_URL_SCHEME,
  platformKeyRef,
  providerStatus,
  type CatalogSnapshot,
  type ProviderEntry,
  type ProviderResolver,
  type ProviderStatus,
} from '@gw/catalog';
import type { EventStore, Subscription } from '@gw/eventstore';
import { KeyVaultError, type KeyVault } from '@gw/key-vault';
import { startMemoryFeed } from './memory-feed';

const KEY_RETRY_MS = 5_000;

interface CachedKey {
  readonly secretId: string;
  readonly apiKey: string;
}

/**
 * The catalog as this gateway instance sees it: the in-memory view fed from the log, the platform
 * keys decrypted from the vault (memory only), and where each provider really is. Every change
 * produces a new routing snapshot for the hot path.
 */
export class CatalogState {
  readonly view = new CatalogView();
  private readonly keys = new Map<string, CachedKey>();
  private snapshotAt = -1;

  readonly resolver: ProviderResolver = {
    baseUrl: (p) => this.baseUrlOf(p),
    apiKey: (slug) => this.keys.get(slug)?.apiKey,
  };

  constructor(
    private readonly vault: KeyVault,
    /** Built-in mock servers by slug (`mock://<slug>/…` resolves here). */
    private readonly mockUrls: ReadonlyMap<string, string>,
    private readonly logger: Logger,
    private readonly keyRetryMs = KEY_RETRY_MS,
  ) {}

  status(provider: ProviderEntry): ProviderStatus {
    return providerStatus(provider, this.resolver);
  }

  /** Feeds the view from the log; `publish` gets a new snapshot after each batch that changed it. */
  async start(store: EventStore, publish: (snapshot: CatalogSnapshot) => void): Promise<Subscription> {
    let retry: NodeJS.Timeout | undefined;
    const refresh = async (): Promise<void> => {
      clearTimeout(retry);
      const complete = await this.syncKeys();
      this.snapshotAt = this.view.changeCount;
      publish(buildRoutingSnapshot(this.view, this.resolver));
      // A vault that could not be read (database busy, restarting) is tried again soon.
      if (!complete) retry = setTimeout(() => void refresh(), this.keyRetryMs).unref();
    };
    const feed = await startMemoryFeed(
      store,
      'catalog',
      CATALOG_EVENT_TYPES,
      (e) => this.view.apply(e),
      this.logger,
      async () => {
        if (this.view.changeCount !== this.snapshotAt) await refresh();
      },
    );
    return {
      stop: async () => {
        clearTimeout(retry);
        await feed.stop();
      },
    };
  }

  /** Whether this instance routes with a stream's events up to `revision` (read-your-writes). */
  hasApplied(kind: 'provider' | 'model', key: string, revision: bigint): boolean {
    const at = kind === 'provider' ? this.view.providerRevision(key) : this.view.modelRevision(key);
    return at >= revision && this.snapshotAt === this.view.changeCount;
  }

  private baseUrlOf(provider: ProviderEntry): string | undefined {
    const url = new URL(provider.spec.baseUrl);
    if (url.protocol !== MOCK_URL_SCHEME) return provider.spec.baseUrl;
    const mock = this.mockUrls.get(url.hostname);
    return mock === undefined ? undefined : `${mock}${url.pathname}`.replace(/\/$/, '');
  }

  /**
   * Loads keys the view points at and the cache lacks; forgets keys no provider points at any more.
   * Returns false when the vault could not be read for some key (worth another try).
   */
  private async syncKeys(): Promise<boolean> {
    let complete = true;
    const wanted = new Map<string, string>();
    for (const p of this.view.providers()) if (p.platformKey) wanted.set(p.spec.slug, p.platformKey.secretId);
    for (const slug of this.keys.keys()) if (!wanted.has(slug)) this.keys.delete(slug);
    for (const [slug, secretId] of wanted) {
      if (this.keys.get(slug)?.secretId === secretId) continue;
      try {
        const apiKey = await this.vault.get(platformKeyRef(slug, secretId));
        if (apiKey === undefined) {
          this.keys.delete(slug);
          this.logger.warn(
            { provider: slug },
            'the platform key is not in the vault; the provider needs a key',
          );
        } else {
          this.keys.set(slug, { secretId, apiKey });
        }
      } catch (e) {
        // The vault's own errors (wrong key-encryption key, altered row) do not heal by retrying.
        if (!(e instanceof KeyVaultError)) complete = false;
        this.keys.delete(slug);
        this.logger.error(
          { provider: slug, err: (e as Error).message },
          'cannot read the platform key from the vault; the provider needs a key',
        );
      }
    }
    return complete;
  }
}
