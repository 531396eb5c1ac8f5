import type { Knex } from 'knex';
import { toBigInt } from '@gw/database';
import type {
  AppendRequest,
  AppendResult,
  EventStore,
  ListStreamsOptions,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeToAllOptions,
  Subscription,
} from '../event-store.port';
import type { CheckpointSigningKey } from './audit-keys';
import { signCheckpoint, type AuditCheckpoint, type CheckpointHead } from './checkpoint';

/**
 * The audited streams: accounts and their gateway keys, provider keys, credits, the catalog, and the
 * policies (routing, billing, tier, rate limits). Request streams (one per chat request) are not
 * checkpointed: that would cost the hot path a write per request; their links are keyed all the same.
 */
export const AUDITED_STREAM_PREFIXES: readonly string[] = [
  'account-',
  'keys-',
  'credits-',
  'provider-',
  'model-',
  'routing-policy',
  'billing-policy',
  'tier-policy',
  'rate-limit-policy',
];

export const isAuditedStream = (streamId: string): boolean =>
  AUDITED_STREAM_PREFIXES.some((prefix) => streamId.startsWith(prefix));

interface CheckpointRow {
  readonly stream_id: string;
  readonly revision: string | number | bigint;
  readonly link: string;
  readonly signed_at: Date | string;
  readonly key_id: string;
  readonly signature: string;
}

/** The `audit_checkpoints` table: the newest signed checkpoint of each audited stream. */
export class AuditCheckpointStore {
  constructor(private readonly knex: Knex) {}

  async get(streamId: string): Promise<AuditCheckpoint | null> {
    const row = await this.knex<CheckpointRow>('audit_checkpoints').where({ stream_id: streamId }).first();
    return row
      ? {
          streamId: row.stream_id,
          revision: toBigInt(row.revision),
          link: row.link,
          signedAt: new Date(row.signed_at),
          keyId: row.key_id,
          signature: row.signature,
        }
      : null;
  }

  /** The ids of the streams with a checkpoint, in code point order, a page at a time. */
  async listStreams(options: { readonly after?: string; readonly limit: number }): Promise<string[]> {
    const { rows } = await this.knex.raw<{ rows: Array<{ stream_id: string }> }>(
      `select stream_id from audit_checkpoints
        ${options.after === undefined ? '' : 'where stream_id collate "C" > ?'}
        order by stream_id collate "C" limit ?`,
      options.after === undefined ? [options.limit] : [options.after, options.limit],
    );
    return rows.map((r) => r.stream_id);
  }

  /** Stores each checkpoint unless the stream already has one at a higher revision. */
  async save(checkpoints: readonly AuditCheckpoint[]): Promise<void> {
    if (checkpoints.length === 0) return;
    await this.knex.raw(
      `insert into audit_checkpoints (stream_id, revision, link, signed_at, key_id, signature)
       values ${checkpoints.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}
       on conflict (stream_id) do update set revision = excluded.revision, link = excluded.link,
         signed_at = excluded.signed_at, key_id = excluded.key_id, signature = excluded.signature
       where audit_checkpoints.revision <= excluded.revision`,
      checkpoints.flatMap((c) => [
        c.streamId,
        c.revision.toString(),
        c.link,
        c.signedAt.toISOString(),
        c.keyId,
        c.signature,
      ]),
    );
  }
}

export interface AuditCheckpointerOptions {
  /** A pass signs every audited stream appended since the last one at most this often. Default 5 s. */
  readonly intervalMs?: number;
  /** …or as soon as this many audited streams are waiting. Default 100. */
  readonly maxPending?: number;
  readonly now?: () => Date;
  /** Told about a stream that ends before a revision this process appended (its tail was removed). */
  readonly onTailMissing?: (streamId: string, appended: bigint, found: bigint) => void;
  /** A pass the timer (or a full queue) started failed; its streams are signed by the next start's sealAll. */
  readonly onError: (error: unknown) => void;
}

/**
 * Signs checkpoints of the audited streams. `wrap(store)` gives the event store everyone uses: it
 * notes, in memory, which audited streams this process appended to (nothing else; request streams are
 * one string comparison). Every `intervalMs` (or `maxPending` streams) and on `close()` the checkpointer
 * reads each noted stream's last event and stores a signed checkpoint of it, one multi-row upsert per
 * pass. `sealAll()` (at start, in the background) signs every audited stream whose checkpoint is
 * behind its head: streams written before checkpoints existed, or by a process that stopped before its
 * pass.
 */
export class AuditCheckpointer {
  private readonly pending = new Map<string, bigint>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly intervalMs: number;
  private readonly maxPending: number;
  private readonly now: () => Date;

  constructor(
    private readonly store: EventStore,
    private readonly checkpoints: AuditCheckpointStore,
    private readonly key: CheckpointSigningKey,
    private readonly options: AuditCheckpointerOptions,
  ) {
    this.intervalMs = options.intervalMs ?? 5_000;
    this.maxPending = options.maxPending ?? 100;
    this.now = options.now ?? (() => new Date());
  }

  /** The store with every append to an audited stream noted for the next pass. */
  wrap(): EventStore {
    return new CheckpointNotingStore(this.store, (streamId, revision) => this.note(streamId, revision));
  }

  start(): void {
    this.timer = setInterval(() => this.flush().catch(this.options.onError), this.intervalMs);
    this.timer.unref();
  }

  /** Signs the noted streams now; resolves when they are stored, rejects if that failed. Passes never overlap. */
  flush(): Promise<void> {
    const pass = this.running.then(() => this.pass());
    this.running = pass.catch(() => undefined);
    return pass;
  }

  /** Signs every audited stream whose stored checkpoint is behind its last event. */
  async sealAll(pageSize = 200): Promise<number> {
    let sealed = 0;
    for (const prefix of AUDITED_STREAM_PREFIXES) {
      let after: string | undefined;
      for (;;) {
        if (this.closed) return sealed;
        const ids = await this.store.listStreams({ prefix, after, limit: pageSize });
        const heads: CheckpointHead[] = [];
        for (const streamId of ids) {
          const head = await this.headOf(streamId);
          const stored = head && (await this.checkpoints.get(streamId));
          if (head && !(stored && stored.revision === head.revision && stored.link === head.link))
            heads.push(head);
        }
        await this.save(heads);
        sealed += heads.length;
        if (ids.length < pageSize) break;
        after = ids[ids.length - 1];
      }
    }
    return sealed;
  }

  /** Stops the timer and signs what is still noted. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.closed = true;
    await this.flush();
  }

  private note(streamId: string, revision: bigint): void {
    if (!isAuditedStream(streamId)) return;
    const known = this.pending.get(streamId);
    if (known === undefined || known < revision) this.pending.set(streamId, revision);
    if (this.pending.size >= this.maxPending) this.flush().catch(this.options.onError);
  }

  private async pass(): Promise<void> {
    if (this.pending.size === 0) return;
    const noted = [...this.pending];
    this.pending.clear();
    const heads: CheckpointHead[] = [];
    for (const [streamId, appended] of noted) {
      const head = await this.headOf(streamId);
      if (!head || head.revision < appended) {
        this.options.onTailMissing?.(streamId, appended, head?.revision ?? -1n);
        continue;
      }
      heads.push(head);
    }
    await this.save(heads);
  }

  private async headOf(streamId: string): Promise<CheckpointHead | null> {
    const [last] = await this.store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    const link = last?.metadata.chain?.hash;
    return last && link ? { streamId, revision: last.revision, link } : null;
  }

  private async save(heads: readonly CheckpointHead[]): Promise<void> {
    const signedAt = this.now();
    await this.checkpoints.save(heads.map((head) => signCheckpoint(this.key, head, signedAt)));
  }
}

/** Delegates everything; after an append, tells `noted` each stream's new revision. */
class CheckpointNotingStore implements EventStore {
  constructor(
    private readonly inner: EventStore,
    private readonly noted: (streamId: string, revision: bigint) => void,
  ) {}

  async append(request: AppendRequest): Promise<AppendResult> {
    const result = await this.inner.append(request);
    if (request.events.length > 0) this.noted(request.streamId, result.nextRevision);
    return result;
  }

  async appendMany(requests: readonly AppendRequest[]): Promise<ReadonlyArray<AppendResult | Error>> {
    const results = await this.inner.appendMany(requests);
    results.forEach((result, i) => {
      const request = requests[i]!;
      if (!(result instanceof Error) && request.events.length > 0)
        this.noted(request.streamId, result.nextRevision);
    });
    return results;
  }

  readStream(streamId: string, options?: ReadStreamOptions) {
    return this.inner.readStream(streamId, options);
  }

  listStreams(options?: ListStreamsOptions): Promise<string[]> {
    return this.inner.listStreams(options);
  }

  readAll(options?: ReadAllOptions) {
    return this.inner.readAll(options);
  }

  subscribeToAll(options: SubscribeToAllOptions): Subscription {
    return this.inner.subscribeToAll(options);
  }

  headPosition() {
    return this.inner.headPosition();
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
