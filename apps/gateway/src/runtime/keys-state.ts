import type { Logger } from 'pino';
import type { EventStore, Subscription } from '@gw/eventstore';
import { KeyVaultError, type KeyVault, type SealedSecret, type SecretRef } from '@gw/key-vault';
import { KeysView, PROVIDER_KEY_EVENT_TYPES, recordKeyValidation, userKeyRef, type KeyEntry } from '@gw/keys';
import type { Clock } from '@gw/shared-kernel';
import type { UserKeyRing } from '../chat/byok-keys';
import { startMemoryFeed } from './memory-feed';

const KEY_RETRY_MS = 5_000;

/**
 * Users' provider keys as this gateway instance sees them: the in-memory view of every `keys-*`
 * stream, fed from the log, and each stored key's sealed envelope read from the vault, so the chat
 * path reads no database. A key is decrypted (in memory, about 7 µs) only for the request that uses
 * it; plaintext user keys are never held between requests, nor written anywhere: not to Redis, a log
 * line, an event or a response. When a chat request finds a key refused by its provider, the
 * rejection is recorded off the request path.
 */
export class KeysState implements UserKeyRing {
  readonly view = new KeysView();
  /** Sealed envelopes by vault secret id (a key rotation has a new one), each checked once on load. */
  private readonly secrets = new Map<string, { readonly ref: SecretRef; readonly sealed: SealedSecret }>();
  private readonly lastUsed = new Map<string, string>();
  private syncedAt = -1;

  constructor(
    private readonly store: EventStore,
    private readonly vault: KeyVault,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly keyRetryMs = KEY_RETRY_MS,
  ) {}

  async start(): Promise<Subscription> {
    let retry: NodeJS.Timeout | undefined;
    const refresh = async (): Promise<void> => {
      clearTimeout(retry);
      const complete = await this.syncSecrets();
      if (!complete) retry = setTimeout(() => void refresh(), this.keyRetryMs).unref();
    };
    const feed = await startMemoryFeed(
      this.store,
      'provider-keys',
      PROVIDER_KEY_EVENT_TYPES,
      (e) => this.view.apply(e),
      this.logger,
      async () => {
        if (this.view.changeCount !== this.syncedAt) await refresh();
      },
    );
    return {
      stop: async () => {
        clearTimeout(retry);
        await feed.stop();
      },
    };
  }

  /** Whether this instance routes with `keys-<userId>` up to `revision` (read-your-writes). */
  hasApplied(userId: string, revision: bigint): boolean {
    return this.view.revision(userId) >= revision && this.syncedAt === this.view.changeCount;
  }

  routingKeys(userId: string): ReadonlyMap<string, readonly KeyEntry[]> {
    return this.view.routingKeys(userId);
  }

  /** The key, decrypted now for the request that will use it (undefined: not loaded, or no longer opens). */
  apiKey(entry: KeyEntry): string | undefined {
    const held = this.secrets.get(entry.secretId);
    if (!held) return undefined;
    try {
      return this.vault.open(held.ref, held.sealed);
    } catch (e) {
      // Opened when loaded, so only a KEK removed from a running vault gets here.
      this.logger.error(
        { keyId: entry.keyId, provider: entry.provider, err: (e as Error).message },
        'cannot open a user key; it is not used',
      );
      return undefined;
    }
  }

  /** When this instance last used the key for a request (kept in memory, not recorded as an event). */
  lastUsedAt(keyId: string): string | null {
    return this.lastUsed.get(keyId) ?? null;
  }

  used(entry: KeyEntry): void {
    this.lastUsed.set(entry.keyId, this.clock.now().toISOString());
  }

  rejected(entry: KeyEntry, status: number | null, correlationId: string): void {
    void recordKeyValidation(
      { store: this.store, vault: this.vault, clock: this.clock },
      {
        userId: entry.userId,
        keyId: entry.keyId,
        fingerprint: entry.fingerprint,
        outcome: { ok: false, reason: 'auth', status },
      },
      { correlationId, actorId: 'system', actorKind: 'system', tenantId: entry.userId },
    ).catch((e: Error) =>
      this.logger.error(
        { keyId: entry.keyId, err: e.message },
        'could not record that the provider refused a user key',
      ),
    );
  }

  /**
   * Loads the secrets of keys the view holds and the cache lacks; forgets those of removed and rotated
   * keys. False when the vault could not be read for some key (worth another try).
   */
  private async syncSecrets(): Promise<boolean> {
    const changeCount = this.view.changeCount;
    let complete = true;
    const wanted = new Map<string, KeyEntry>();
    for (const k of this.view.allKeys()) wanted.set(k.secretId, k);
    for (const secretId of this.secrets.keys()) if (!wanted.has(secretId)) this.secrets.delete(secretId);
    for (const [secretId, k] of wanted) {
      if (this.secrets.has(secretId)) continue;
      try {
        const ref = userKeyRef(k.userId, k.provider, secretId);
        const sealed = await this.vault.getSealed(ref);
        if (sealed === undefined)
          this.logger.warn({ keyId: k.keyId, provider: k.provider }, 'a user key is not in the vault');
        else {
          this.vault.open(ref, sealed); // throws now, not on a request, when it does not authenticate
          this.secrets.set(secretId, { ref, sealed });
        }
      } catch (e) {
        // The vault's own errors (wrong key-encryption key, altered row) do not heal by retrying.
        if (!(e instanceof KeyVaultError)) complete = false;
        this.logger.error(
          { keyId: k.keyId, provider: k.provider, err: (e as Error).message },
          'cannot read a user key from the vault; it is not used',
        );
      }
    }
    this.syncedAt = changeCount;
    return complete;
  }
}
