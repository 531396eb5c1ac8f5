import { setImmediate as nextTurn } from 'node:timers/promises';
import type { EventStore } from '@gw/eventstore';
import { NotFoundError } from '@gw/shared-kernel';
import type { ErrorResponse, HasErrorResponse } from '../../errors/error-response';
import { WhatIfAggregator, type AggregateOptions, type WhatIfResult } from './aggregate';
import { replayRequest, type ReplayContext } from './replay';
import type { RecordedRequest } from './replay-input';
import { loadRecordedRequests, WhatIfHistory, type LoadedRequest } from './what-if-loader';
import type { WhatIfJobView, WhatIfRequestView } from './what-if.views';

/** How far a job is: its percent (0–100, a float is fine) and the requests replayed so far. */
export interface WhatIfJobProgress {
  readonly percent: number;
  readonly processed: number;
}

/** A job's work: replays and aggregates, reports progress, stops (throws) once `signal` aborts. */
export type WhatIfWork = (
  signal: AbortSignal,
  progress: (p: WhatIfJobProgress) => void,
) => Promise<WhatIfResult>;

export interface WhatIfJobsOptions {
  /** ms since the epoch. Default Date.now. */
  readonly now?: () => number;
  /** Default 2. */
  readonly maxRunning?: number;
  /** How long a finished job is kept, ms. Default 1 hour. */
  readonly keepMs?: number;
  /** Finished jobs kept at most (the oldest go first). Default 20. */
  readonly maxFinished?: number;
  /** A job's id. Default a random UUID. */
  readonly newId?: () => string;
}

/** 429: this instance already runs its limit of what-if replays (admin jobs, or callers' estimates). */
export class WhatIfBusyError extends Error implements HasErrorResponse {
  constructor(
    private readonly code: 'WHAT_IF.TOO_MANY_JOBS' | 'WHAT_IF.BUSY',
    private readonly detail: string,
  ) {
    super('what-if busy');
  }
  toErrorResponse(): ErrorResponse {
    return {
      status: 429,
      type: 'rate_limit_error',
      code: this.code,
      message: this.detail,
      param: null,
      headers: { 'retry-after': '5' },
    };
  }
}

/** The admin's third concurrent job. */
export const tooManyWhatIfJobs = (limit: number): WhatIfBusyError =>
  new WhatIfBusyError(
    'WHAT_IF.TOO_MANY_JOBS',
    `${limit} what-if replays are already running on this instance; wait for one to finish or cancel one (DELETE /api/v1/admin/routing/what-if/{id}).`,
  );

interface Job {
  readonly id: string;
  status: WhatIfJobView['status'];
  percent: number;
  processed: number;
  readonly startedAtMs: number;
  finishedAtMs: number | null;
  readonly request: WhatIfRequestView;
  result: WhatIfResult | null;
  error: string | null;
  readonly abort: AbortController;
  /** Settles (never rejects) when the job leaves `running`. */
  readonly settled: Promise<void>;
}

/**
 * The what-if jobs of this instance, in memory: at most `maxRunning` at once (the next start is a
 * 429), finished ones (done, failed, cancelled) kept `keepMs` and at most `maxFinished`. Expiry is
 * checked on each call (no timers), against the injected clock.
 */
export class WhatIfJobs {
  private readonly jobs = new Map<string, Job>();
  private readonly now: () => number;
  private readonly maxRunning: number;
  private readonly keepMs: number;
  private readonly maxFinished: number;
  private readonly newId: () => string;

  constructor(options: WhatIfJobsOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxRunning = options.maxRunning ?? 2;
    this.keepMs = options.keepMs ?? 60 * 60 * 1_000;
    this.maxFinished = options.maxFinished ?? 20;
    this.newId = options.newId ?? (() => crypto.randomUUID());
  }

  /** Starts a job (or throws a 429 WhatIfBusyError); its view at once, status `running`. */
  start(request: WhatIfRequestView, work: WhatIfWork): WhatIfJobView {
    this.prune();
    if (this.running() >= this.maxRunning) throw tooManyWhatIfJobs(this.maxRunning);
    const abort = new AbortController();
    let settle!: () => void;
    const job: Job = {
      id: this.newId(),
      status: 'running',
      percent: 0,
      processed: 0,
      startedAtMs: this.now(),
      finishedAtMs: null,
      request,
      result: null,
      error: null,
      abort,
      settled: new Promise<void>((resolve) => (settle = resolve)),
    };
    this.jobs.set(job.id, job);
    const progress = (p: WhatIfJobProgress): void => {
      if (job.status !== 'running') return;
      job.percent = Math.max(job.percent, Math.min(100, Math.floor(p.percent)));
      job.processed = p.processed;
    };
    // The work starts on a later turn: a synchronous throw is a failed job too, never the caller's.
    void Promise.resolve()
      .then(() => {
        abort.signal.throwIfAborted(); // cancelled before it began
        return work(abort.signal, progress);
      })
      .then(
        (result) => {
          if (job.status !== 'running') return;
          job.result = result;
          job.processed = result.requests;
          job.percent = 100;
          this.finish(job, 'done');
        },
        (error: unknown) => {
          if (job.status !== 'running') return;
          job.error = error instanceof Error ? error.message : String(error);
          this.finish(job, abort.signal.aborted ? 'cancelled' : 'failed');
        },
      )
      .finally(settle);
    return this.view(job);
  }

  /** The job's view; a NotFoundError (404) for an unknown or expired id. */
  get(id: string): WhatIfJobView {
    return this.view(this.job(id));
  }

  /**
   * Cancels a running job (aborts its signal; it is `cancelled` at once and no longer counts against
   * the limit); a finished job is answered unchanged.
   */
  cancel(id: string): WhatIfJobView {
    const job = this.job(id);
    if (job.status === 'running') {
      this.finish(job, 'cancelled');
      job.abort.abort();
    }
    return this.view(job);
  }

  /** Resolves with the job's view once it has finished, or after `ms` (still running), whichever is first. */
  async waitFor(id: string, ms: number): Promise<WhatIfJobView> {
    const job = this.job(id);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      job.settled,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, ms);
      }),
    ]);
    clearTimeout(timer);
    return this.view(job);
  }

  /** Resolves when the job has left `running` (tests, shutdown). */
  settled(id: string): Promise<void> {
    return this.job(id).settled;
  }

  /** Cancels every running job (shutdown). */
  cancelAll(): void {
    for (const job of this.jobs.values()) if (job.status === 'running') this.cancel(job.id);
  }

  private job(id: string): Job {
    this.prune();
    const job = this.jobs.get(id);
    if (!job)
      throw new NotFoundError(
        'WHAT_IF.JOB_NOT_FOUND',
        `No what-if job ${id} on this instance (finished jobs are kept an hour)`,
        {
          param: 'id',
        },
      );
    return job;
  }

  private running(): number {
    let n = 0;
    for (const job of this.jobs.values()) if (job.status === 'running') n++;
    return n;
  }

  private finish(job: Job, status: Exclude<WhatIfJobView['status'], 'running'>): void {
    job.status = status;
    job.finishedAtMs = this.now();
    this.prune();
  }

  /** Drops finished jobs older than keepMs, then the oldest finished beyond maxFinished. */
  private prune(): void {
    const now = this.now();
    const finished: Job[] = [];
    for (const job of this.jobs.values()) {
      if (job.finishedAtMs === null) continue;
      if (now - job.finishedAtMs >= this.keepMs) this.jobs.delete(job.id);
      else finished.push(job);
    }
    if (finished.length <= this.maxFinished) return;
    finished.sort((a, b) => a.finishedAtMs! - b.finishedAtMs!);
    for (const job of finished.slice(0, finished.length - this.maxFinished)) this.jobs.delete(job.id);
  }

  private view(job: Job): WhatIfJobView {
    return {
      id: job.id,
      status: job.status,
      percent: job.percent,
      processed: job.processed,
      startedAt: new Date(job.startedAtMs).toISOString(),
      finishedAt: job.finishedAtMs === null ? null : new Date(job.finishedAtMs).toISOString(),
      request: job.request,
      result: job.result,
      error: job.error,
    };
  }
}

export interface WhatIfRun {
  readonly from: Date;
  readonly to: Date;
  /** The replay context of a loaded request (policy, catalog, billing, power level), given the history. */
  readonly contextOf: (loaded: LoadedRequest, history: WhatIfHistory) => ReplayContext;
  readonly filter?: (recorded: RecordedRequest) => boolean;
  readonly aggregate?: AggregateOptions;
  readonly batchSize?: number;
}

/**
 * Reads the range from the event store, replays each request and aggregates, yielding to the event
 * loop between batches (the chat path keeps its turn). Writes nothing and calls no upstream.
 */
export async function replayRange(
  store: EventStore,
  run: WhatIfRun,
  signal?: AbortSignal,
  progress?: (p: WhatIfJobProgress) => void,
): Promise<WhatIfResult> {
  const history = new WhatIfHistory();
  const aggregator = new WhatIfAggregator(run.aggregate);
  let percent = 0;
  let processed = 0;
  for await (const batch of loadRecordedRequests(
    store,
    {
      from: run.from,
      to: run.to,
      ...(run.batchSize !== undefined && { batchSize: run.batchSize }),
      ...(signal && { signal }),
      ...(run.filter && { filter: run.filter }),
      onProgress: (p) => {
        percent = p.percent;
      },
    },
    history,
  )) {
    for (const loaded of batch)
      aggregator.add(replayRequest(loaded.recorded, run.contextOf(loaded, history)));
    processed += batch.length;
    // Short of 100 until the result is in.
    progress?.({ percent: Math.min(percent, 99), processed });
    await nextTurn();
    signal?.throwIfAborted();
  }
  return aggregator.result();
}
