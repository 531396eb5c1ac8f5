import { comparePositions, type Position } from '@gw/shared-kernel';
import type { AppendRequest, AppendResult, EventStore } from '../event-store.port';

interface Pending {
  readonly request: AppendRequest;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Group commit without a waiting window: a lone append is written at once; appends that arrive
 * while a write is in flight queue up and go out together, as one `appendMany`, the moment it ends.
 * Under load batches grow by themselves; at rest nobody waits.
 *
 * Before taking a batch the writer yields one turn of the event loop (setImmediate, not a timer):
 * requests whose answers are already in the socket buffers get to queue their appends too. That
 * matters when the store answers without real I/O (PGlite runs in-process), where no other request
 * could otherwise run while a write is in flight.
 */
export class GroupCommitWriter {
  private queue: Pending[] = [];
  private inFlight: Promise<void> | null = null;
  private writes = 0;
  private appended = 0;
  private last: Position | null = null;

  /**
   * @param lingerMs 0 (default): take the batch after one loop turn — nobody waits. More than 0: let
   *   appends gather that long first; only for callers that do not wait for the commit
   *   (DURABILITY=relaxed), where it bounds what a crash can lose.
   */
  constructor(
    private readonly store: EventStore,
    private readonly maxBatch = 256,
    private readonly lingerMs = 0,
  ) {}

  append(request: AppendRequest): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      if (!this.inFlight) this.inFlight = this.drainLoop();
    });
  }

  /** Resolves when everything queued so far is written (clean shutdown, relaxed durability). */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  /** Position of the latest event this writer committed (what "my writes are projected" waits for). */
  lastWritten(): Position | null {
    return this.last;
  }

  stats(): { writes: number; appended: number } {
    return { writes: this.writes, appended: this.appended };
  }

  private async drainLoop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        await new Promise<void>((resolve) =>
          this.lingerMs > 0 ? setTimeout(resolve, this.lingerMs) : setImmediate(resolve),
        );
        const batch = this.queue.splice(0, this.maxBatch);
        this.writes += 1;
        this.appended += batch.length;
        try {
          const results = await this.store.appendMany(batch.map((p) => p.request));
          batch.forEach((p, i) => {
            const r = results[i];
            if (r instanceof Error) p.reject(r);
            else if (r) {
              if (!this.last || comparePositions(r.position, this.last) > 0) this.last = r.position;
              p.resolve(r);
            } else p.reject(new Error('appendMany returned no result for a request'));
          });
        } catch (e) {
          for (const p of batch) p.reject(e as Error);
        }
      }
    } finally {
      this.inFlight = null;
    }
  }
}
