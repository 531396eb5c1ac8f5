import { computed, inject, Injectable, signal } from '@angular/core';
import { ApiError, asApiError } from '../../core/http/api-error';
import { AdminUsersApi, type CreateUserBody, type UserView } from './admin-users-api';

export const PAGE_SIZE = 25;

/**
 * The users list: a search and cursor pages. The cursors of the pages before the current one are kept,
 * so "Previous" goes back without the server knowing about it.
 */
@Injectable()
export class UsersStore {
  private readonly api = inject(AdminUsersApi);
  private readonly rows = signal<readonly UserView[]>([]);
  private readonly totalState = signal(0);
  private readonly queryState = signal('');
  /** cursors[i]: the cursor that opens page i (null for the first). */
  private readonly cursors = signal<readonly (string | null)[]>([null]);
  private readonly next = signal<string | null>(null);
  private readonly loadingState = signal(true);
  private readonly errorState = signal<ApiError | null>(null);
  /** Answers to an older search or page are dropped. */
  private generation = 0;

  readonly users = this.rows.asReadonly();
  readonly total = this.totalState.asReadonly();
  readonly query = this.queryState.asReadonly();
  readonly loading = this.loadingState.asReadonly();
  readonly error = this.errorState.asReadonly();
  /** 0-based page index. */
  readonly page = computed(() => this.cursors().length - 1);
  readonly hasNext = computed(() => this.next() !== null);
  readonly hasPrevious = computed(() => this.page() > 0);
  /** "26–50 of 112" */
  readonly range = computed(() => {
    const start = this.page() * PAGE_SIZE;
    const shown = this.rows().length;
    return shown === 0
      ? `0 of ${this.totalState()}`
      : `${start + 1}–${start + shown} of ${this.totalState()}`;
  });

  /** A new search: back to the first page. */
  search(q: string): Promise<void> {
    this.queryState.set(q);
    this.cursors.set([null]);
    return this.load();
  }

  nextPage(): Promise<void> {
    const cursor = this.next();
    if (cursor === null) return Promise.resolve();
    this.cursors.update((c) => [...c, cursor]);
    return this.load();
  }

  previousPage(): Promise<void> {
    if (this.cursors().length <= 1) return Promise.resolve();
    this.cursors.update((c) => c.slice(0, -1));
    return this.load();
  }

  async load(): Promise<void> {
    const generation = ++this.generation;
    this.loadingState.set(true);
    this.errorState.set(null);
    const cursors = this.cursors();
    try {
      const page = await this.api.list({
        q: this.queryState(),
        limit: PAGE_SIZE,
        cursor: cursors[cursors.length - 1] ?? null,
      });
      if (generation !== this.generation) return;
      this.rows.set(page.data);
      this.totalState.set(page.total);
      this.next.set(page.nextCursor);
    } catch (e) {
      if (generation !== this.generation) return;
      this.errorState.set(asApiError(e));
    } finally {
      if (generation === this.generation) this.loadingState.set(false);
    }
  }

  /** Creates a user; answers its id. Throws ApiError. */
  async create(body: CreateUserBody): Promise<string> {
    const { id } = await this.api.create(body);
    return id;
  }
}
