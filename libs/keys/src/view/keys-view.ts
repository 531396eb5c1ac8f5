import type { RecordedEvent } from '@gw/shared-kernel';
import type { CustomEndpoint } from '../domain/custom-endpoint';
import type { KeyStatus } from '../domain/provider-key.decider';
import { PROVIDER_KEY_EVENT_TYPES, type ProviderKeyEvent } from '../domain/provider-key.events';

/** A user's key as GET /api/v1/me/keys shows it and the hot path routes with it. Never the key. */
export interface KeyEntry {
  readonly keyId: string;
  readonly userId: string;
  readonly provider: string;
  readonly label: string;
  readonly masked: string;
  readonly last4: string;
  readonly fingerprint: string;
  /** The vault row that holds the key now. */
  readonly secretId: string;
  readonly status: KeyStatus;
  readonly enabled: boolean;
  readonly priority: number;
  readonly createdAt: string;
  readonly lastValidatedAt: string | null;
  /** provider `custom`: the endpoint and its models. */
  readonly custom?: CustomEndpoint;
}

const EVENT_TYPES: ReadonlySet<string> = new Set(PROVIDER_KEY_EVENT_TYPES);

const byPriority = (a: KeyEntry, b: KeyEntry): number =>
  a.provider.localeCompare(b.provider) || a.priority - b.priority || a.createdAt.localeCompare(b.createdAt);

/**
 * Every user's keys, folded from the `keys-*` streams in memory (each gateway instance keeps its own,
 * fed from the log): the list endpoint and the hot path read this, never a table.
 */
export class KeysView {
  private readonly users = new Map<string, Map<string, KeyEntry>>();
  private readonly revisions = new Map<string, bigint>();
  private readonly routing = new Map<string, ReadonlyMap<string, readonly KeyEntry[]>>();
  private changes = 0;

  /** Grows with every applied event (a snapshot of the keys is stale when it moved). */
  get changeCount(): number {
    return this.changes;
  }

  static handles(e: RecordedEvent): boolean {
    return EVENT_TYPES.has(e.type);
  }

  apply(recorded: RecordedEvent): void {
    if (!KeysView.handles(recorded)) return;
    const event = { type: recorded.type, data: recorded.data } as ProviderKeyEvent;
    const userId = event.data.userId;
    const at = this.revisions.get(userId);
    if (at !== undefined && recorded.revision <= at) return; // already applied (resubscribed)
    this.revisions.set(userId, recorded.revision);
    let keys = this.users.get(userId);
    if (!keys) this.users.set(userId, (keys = new Map()));
    const next = evolveEntry(keys.get(event.data.keyId), event);
    if (next) keys.set(event.data.keyId, next);
    else keys.delete(event.data.keyId);
    this.routing.delete(userId);
    this.changes++;
  }

  /** The revision of `keys-<userId>` this view has applied (-1: none). */
  revision(userId: string): bigint {
    return this.revisions.get(userId) ?? -1n;
  }

  keysOf(userId: string): KeyEntry[] {
    return [...(this.users.get(userId)?.values() ?? [])].sort(byPriority);
  }

  key(userId: string, keyId: string): KeyEntry | undefined {
    return this.users.get(userId)?.get(keyId);
  }

  /** Every stored key (to load their secrets). */
  *allKeys(): IterableIterator<KeyEntry> {
    for (const keys of this.users.values()) yield* keys.values();
  }

  /**
   * The keys that may pay for a user's requests, by provider, in priority order: enabled and not
   * rejected by the provider. Computed once per change of the user's keys, not per request.
   */
  routingKeys(userId: string): ReadonlyMap<string, readonly KeyEntry[]> {
    let routing = this.routing.get(userId);
    if (!routing) {
      const byProvider = new Map<string, KeyEntry[]>();
      for (const k of this.keysOf(userId)) {
        if (!k.enabled || k.status === 'invalid') continue;
        const list = byProvider.get(k.provider) ?? [];
        list.push(k);
        byProvider.set(k.provider, list);
      }
      routing = byProvider;
      this.routing.set(userId, routing);
    }
    return routing;
  }
}

function evolveEntry(entry: KeyEntry | undefined, event: ProviderKeyEvent): KeyEntry | undefined {
  if (event.type === 'KeyAdded') {
    const d = event.data;
    return {
      keyId: d.keyId,
      userId: d.userId,
      provider: d.provider,
      label: d.label,
      masked: d.masked,
      last4: d.last4,
      fingerprint: d.fingerprint,
      secretId: d.secretId,
      status: 'unvalidated',
      enabled: true,
      priority: d.priority,
      createdAt: d.addedAt,
      lastValidatedAt: null,
      ...(d.custom && { custom: d.custom }),
    };
  }
  if (!entry) return undefined;
  switch (event.type) {
    case 'KeyRotated':
      return {
        ...entry,
        masked: event.data.masked,
        last4: event.data.last4,
        fingerprint: event.data.fingerprint,
        secretId: event.data.secretId,
        status: 'unvalidated',
      };
    case 'KeyValidated':
      return { ...entry, status: 'valid', lastValidatedAt: event.data.validatedAt };
    case 'KeyValidationFailed':
      return { ...entry, status: 'invalid', lastValidatedAt: event.data.failedAt };
    case 'KeyEnabled':
      return { ...entry, enabled: true };
    case 'KeyDisabled':
      return { ...entry, enabled: false };
    case 'KeyPriorityChanged':
      return { ...entry, priority: event.data.priority };
    case 'KeyLabelChanged':
      return { ...entry, label: event.data.label };
    case 'KeyRemoved':
      return undefined;
  }
}
