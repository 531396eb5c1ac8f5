import { computed, inject, Injectable, signal, type OnDestroy } from '@angular/core';
import { type ApiError, asApiError } from '../../core/http/api-error';
import { RoutingApi, type PowerLevel, type WhatIfJob } from './routing-api';
import { previewBodyOf, sameDraft, type Draft } from './routing-draft';
import { RoutingStore } from './routing-store';
import { whatIfRange, type WhatIfRangeChoice } from './what-if-view';

/**
 * The routing page's "What if" panel: the draft replayed over the recorded requests of a range
 * (POST /api/v1/admin/routing/what-if). A short range comes back finished; a long one runs as a job,
 * polled every `pollMs` until done, and cancellable. Starting another run, or leaving the page,
 * cancels the one running. The draft of the last run is kept, to say when the draft has changed since.
 */
@Injectable()
export class WhatIfStore implements OnDestroy {
  private readonly api = inject(RoutingApi);
  private readonly routing = inject(RoutingStore);

  /** How long it waits between polls of a running job. */
  pollMs = 500;

  private readonly rangeState = signal<WhatIfRangeChoice>({ preset: '7d' });
  private readonly levelState = signal<PowerLevel | null>(null);
  private readonly catalogNowState = signal(false);
  private readonly jobState = signal<WhatIfJob | null>(null);
  private readonly startingState = signal(false);
  private readonly errorState = signal<ApiError | null>(null);
  private readonly problemState = signal<string | null>(null);
  private readonly ranDraft = signal<Draft | null>(null);

  readonly range = this.rangeState.asReadonly();
  /** Replay every request at this level; null: each at its own. */
  readonly powerLevel = this.levelState.asReadonly();
  /** Replay against today's catalog and prices instead of each request's own time's. */
  readonly catalogNow = this.catalogNowState.asReadonly();
  readonly job = this.jobState.asReadonly();
  readonly error = this.errorState.asReadonly();
  /** Why the chosen range cannot run (custom dates). */
  readonly problem = this.problemState.asReadonly();
  readonly running = computed(() => this.startingState() || this.jobState()?.status === 'running');
  readonly result = computed(() => {
    const job = this.jobState();
    return job?.status === 'done' ? job.result : null;
  });
  /** The draft has been edited since the shown result was computed. */
  readonly stale = computed(() => {
    const ran = this.ranDraft();
    const draft = this.routing.draft();
    return ran !== null && draft !== null && this.result() !== null && !sameDraft(ran, draft);
  });

  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  ngOnDestroy(): void {
    this.seq++;
    clearTimeout(this.timer);
    this.cancelRunning();
  }

  setRange(choice: WhatIfRangeChoice): void {
    this.rangeState.set(choice);
    this.problemState.set(null);
  }

  setPowerLevel(level: PowerLevel | null): void {
    this.levelState.set(level);
  }

  setCatalogNow(now: boolean): void {
    this.catalogNowState.set(now);
  }

  /** Replays the current draft over the chosen range (a run already going is cancelled first). */
  async run(now: Date = new Date()): Promise<void> {
    const draft = this.routing.draft();
    if (!draft) return;
    const range = whatIfRange(this.rangeState(), now);
    if ('problem' in range) {
      this.problemState.set(range.problem);
      return;
    }
    this.problemState.set(null);
    this.cancelRunning();
    const seq = ++this.seq;
    clearTimeout(this.timer);
    this.errorState.set(null);
    this.jobState.set(null);
    this.startingState.set(true);
    const level = this.levelState();
    try {
      const job = await this.api.startWhatIf({
        policy: previewBodyOf(draft),
        from: range.from,
        to: range.to,
        ...(level !== null && { powerLevel: level }),
        catalog: this.catalogNowState() ? 'now' : 'then',
      });
      if (seq !== this.seq) return;
      this.ranDraft.set(draft);
      this.jobState.set(job);
      if (job.status === 'running') this.schedulePoll(seq, job.id);
    } catch (e) {
      if (seq === this.seq) this.errorState.set(asApiError(e));
    } finally {
      if (seq === this.seq) this.startingState.set(false);
    }
  }

  /** Stops the running job; its last progress stays shown as cancelled. */
  async cancel(): Promise<void> {
    const job = this.jobState();
    this.seq++;
    clearTimeout(this.timer);
    this.startingState.set(false);
    if (!job || job.status !== 'running') return;
    try {
      this.jobState.set(await this.api.cancelWhatIf(job.id));
    } catch (e) {
      this.errorState.set(asApiError(e));
    }
  }

  private schedulePoll(seq: number, id: string): void {
    this.timer = setTimeout(() => void this.poll(seq, id), this.pollMs);
  }

  private async poll(seq: number, id: string): Promise<void> {
    try {
      const job = await this.api.whatIf(id);
      if (seq !== this.seq) return;
      this.jobState.set(job);
      if (job.status === 'running') this.schedulePoll(seq, id);
    } catch (e) {
      if (seq === this.seq) this.errorState.set(asApiError(e));
    }
  }

  /** Best effort: a job left running would hold one of the gateway's two what-if slots. */
  private cancelRunning(): void {
    const job = this.jobState();
    if (job?.status === 'running') void this.api.cancelWhatIf(job.id).catch(() => undefined);
  }
}
