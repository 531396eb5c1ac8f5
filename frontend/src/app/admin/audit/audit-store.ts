import { computed, inject, Injectable, signal } from '@angular/core';
import { ApiError } from '../../core/http/api-error';
import { AuditApi, type AuditStreamEntry, type AuditStreamView } from './audit-api';

/** What the picker offers; `policy` is the four policy streams together. */
export const AUDIT_CATEGORIES: ReadonlyArray<{ readonly value: string; readonly label: string }> = [
  { value: 'keys', label: 'Provider keys of a user' },
  { value: 'account', label: 'Accounts' },
  { value: 'credits', label: 'Credits of a user' },
  { value: 'provider', label: 'Providers' },
  { value: 'model', label: 'Models' },
  { value: 'policy', label: 'Policies' },
  { value: 'request', label: 'Chat requests' },
];

export const PAGE_SIZE = 25;

const toApiError = (e: unknown): ApiError =>
  e instanceof ApiError ? e : new ApiError(0, 'client_error', 'Something went wrong', String(e), null);

/** The audit page's state: the stream search (a page at a time) and the stream being replayed. */
@Injectable()
export class AuditStore {
  private readonly api = inject(AuditApi);

  private readonly resultList = signal<readonly AuditStreamEntry[]>([]);
  private readonly nextCursor = signal<string | null>(null);
  private readonly searching = signal(false);
  private readonly searchFailure = signal<ApiError | null>(null);
  private readonly lastSearch = signal<{ category: string; q: string } | null>(null);
  private searchSeq = 0;

  private readonly streamView = signal<AuditStreamView | null>(null);
  private readonly streamLoading = signal(false);
  private readonly streamFailure = signal<ApiError | null>(null);
  private readonly openId = signal<string | null>(null);
  private streamSeq = 0;

  readonly results = this.resultList.asReadonly();
  readonly hasMore = computed(() => this.nextCursor() !== null);
  readonly searchLoading = this.searching.asReadonly();
  readonly searchError = this.searchFailure.asReadonly();
  readonly search = this.lastSearch.asReadonly();

  readonly stream = this.streamView.asReadonly();
  readonly loading = this.streamLoading.asReadonly();
  readonly error = this.streamFailure.asReadonly();
  /** The stream asked for (the page's ?stream=), even while it loads or when it failed. */
  readonly selectedId = this.openId.asReadonly();
  /** The first broken link's revision, or null when the chain verifies (or nothing is open). */
  readonly brokenRevision = computed(() => this.streamView()?.chain.firstBreak?.revision ?? null);

  /** A new search: the first page of `category`'s streams matching `q`. Stale answers are dropped. */
  async find(category: string, q: string): Promise<void> {
    const seq = ++this.searchSeq;
    this.lastSearch.set({ category, q });
    this.searching.set(true);
    this.searchFailure.set(null);
    try {
      const page = await this.api.search({ category, q, limit: PAGE_SIZE });
      if (seq !== this.searchSeq) return;
      this.resultList.set(page.data);
      this.nextCursor.set(page.next);
    } catch (e) {
      if (seq !== this.searchSeq) return;
      this.resultList.set([]);
      this.nextCursor.set(null);
      this.searchFailure.set(toApiError(e));
    } finally {
      if (seq === this.searchSeq) this.searching.set(false);
    }
  }

  /** The next page of the current search, appended. */
  async more(): Promise<void> {
    const search = this.lastSearch();
    const after = this.nextCursor();
    if (!search || after === null || this.searching()) return;
    const seq = ++this.searchSeq;
    this.searching.set(true);
    try {
      const page = await this.api.search({ ...search, after, limit: PAGE_SIZE });
      if (seq !== this.searchSeq) return;
      this.resultList.update((list) => [...list, ...page.data]);
      this.nextCursor.set(page.next);
    } catch (e) {
      if (seq === this.searchSeq) this.searchFailure.set(toApiError(e));
    } finally {
      if (seq === this.searchSeq) this.searching.set(false);
    }
  }

  /** Replays a stream (or clears the replay for null). */
  async open(streamId: string | null): Promise<void> {
    const seq = ++this.streamSeq;
    this.openId.set(streamId);
    this.streamFailure.set(null);
    if (streamId === null) {
      this.streamView.set(null);
      this.streamLoading.set(false);
      return;
    }
    this.streamLoading.set(true);
    try {
      const view = await this.api.stream(streamId);
      if (seq !== this.streamSeq) return;
      this.streamView.set(view);
    } catch (e) {
      if (seq !== this.streamSeq) return;
      this.streamView.set(null);
      this.streamFailure.set(toApiError(e));
    } finally {
      if (seq === this.streamSeq) this.streamLoading.set(false);
    }
  }

  /** Reads the open stream again (e.g. after it changed). */
  reload(): Promise<void> {
    return this.open(this.openId());
  }

  /** The replay as an export: the stream, its events and the chain's verdict, with when it was taken. */
  exportJson(now: Date = new Date()): { filename: string; text: string } | null {
    const view = this.streamView();
    if (!view) return null;
    const safe = view.streamId.replace(/[^A-Za-z0-9._-]+/g, '_');
    return {
      filename: `audit-${safe}.json`,
      text: `${JSON.stringify({ exportedAt: now.toISOString(), ...view }, null, 2)}\n`,
    };
  }
}
