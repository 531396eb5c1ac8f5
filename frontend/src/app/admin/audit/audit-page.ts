import { DatePipe, JsonPipe } from '@angular/common';
import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  ElementRef,
  inject,
  Injector,
  signal,
  untracked,
} from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { ActivatedRoute, Router } from '@angular/router';
import { map } from 'rxjs';
import { PageState } from '../../shared/page-state';
import type { AuditEventView, AuditStreamEntry, ChainView } from './audit-api';
import { AUDIT_CATEGORIES, AuditStore } from './audit-store';

type BreakReason = NonNullable<ChainView['firstBreak']>['reason'];

/** What each way a chain can break means, in an auditor's words. */
export const BREAK_REASONS: Readonly<Record<BreakReason, string>> = {
  missing_link: 'the event carries no chain link',
  prev_mismatch: 'the event does not link to the event before it',
  hash_mismatch: 'the event was changed after it was written (its content no longer matches its hash)',
  revision_gap: 'an event was removed or inserted (the revisions are not consecutive)',
  downgraded_link: 'the stream was re-hashed without the chain key',
  key_unavailable: 'the gateway has no chain key to check this link with',
  checkpoint_not_reached:
    'events after this revision were removed (the stream ends before its signed checkpoint)',
  checkpoint_mismatch: 'the event at the signed checkpoint is not the one that was signed',
  checkpoint_invalid: 'the signed checkpoint does not verify (forged or altered)',
};

const SEARCH_DELAY_MS = 250;

/**
 * /admin/audit (admins and auditors) — pick a stream (a category, a search over ids, names and emails),
 * replay its events in order with who, when, from where and the correlation id, see whether its hash
 * chain verifies (the first broken link highlighted), and export the replay as JSON. The open stream
 * is the page's `?stream=` so it can be linked.
 */
@Component({
  selector: 'gw-audit-page',
  imports: [
    DatePipe,
    JsonPipe,
    FormsModule,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    PageState,
  ],
  providers: [AuditStore],
  templateUrl: './audit-page.html',
  styleUrl: './audit-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class AuditPage {
  protected readonly store = inject(AuditStore);
  private readonly route = inject(ActivatedRoute);
  private readonly router = inject(Router);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);

  protected readonly categories = AUDIT_CATEGORIES;
  protected readonly category = signal('keys');
  protected readonly query = signal('');
  /** Revisions whose data is shown. */
  protected readonly expanded = signal<ReadonlySet<number>>(new Set());
  protected readonly reasons = BREAK_REASONS;

  private readonly streamParam = toSignal(this.route.queryParamMap.pipe(map((p) => p.get('stream'))), {
    initialValue: null,
  });

  /** The search result naming the open stream's account, when the list has it. */
  protected readonly openEntry = computed<AuditStreamEntry | null>(
    () => this.store.results().find((e) => e.streamId === this.store.selectedId()) ?? null,
  );
  /** A full stream id typed into the search (e.g. a request id pasted from a log): offered as is. */
  protected readonly typedStreamId = computed(() => {
    const q = this.query().trim();
    return /^[A-Za-z][A-Za-z0-9]*-\S+$/.test(q) && !this.store.results().some((e) => e.streamId === q)
      ? q
      : null;
  });
  protected readonly events = computed(() => this.store.stream()?.events ?? []);

  private searchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    void this.store.find(this.category(), '');
    effect(() => {
      const streamId = this.streamParam();
      untracked(() => {
        this.expanded.set(new Set());
        void this.store.open(streamId);
      });
    });
    // A broken chain: its first broken event is scrolled into view and focused once it is drawn.
    effect(() => {
      const revision = this.store.brokenRevision();
      if (revision === null || this.store.loading()) return;
      afterNextRender(() => this.focusRevision(revision), { injector: this.injector });
    });
  }

  protected changeCategory(category: string): void {
    this.category.set(category);
    this.runSearch();
  }

  protected typeQuery(q: string): void {
    this.query.set(q);
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => this.runSearch(), SEARCH_DELAY_MS);
  }

  protected runSearch(): void {
    clearTimeout(this.searchTimer);
    void this.store.find(this.category(), this.query());
  }

  protected openStream(streamId: string): void {
    void this.router.navigate([], {
      relativeTo: this.route,
      queryParams: { stream: streamId },
      queryParamsHandling: 'merge',
    });
  }

  protected closeStream(): void {
    void this.router.navigate([], { relativeTo: this.route, queryParams: { stream: null } });
  }

  protected toggle(revision: number): void {
    this.expanded.update((s) => {
      const next = new Set(s);
      if (!next.delete(revision)) next.add(revision);
      return next;
    });
  }

  protected focusRevision(revision: number): void {
    const row = this.host.nativeElement.querySelector<HTMLElement>(`#audit-event-${revision}`);
    row?.scrollIntoView({ block: 'center' });
    row?.focus({ preventScroll: true });
  }

  protected exportStream(): void {
    const file = this.store.exportJson();
    if (!file) return;
    const url = URL.createObjectURL(new Blob([file.text], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = file.filename;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }

  protected actorLabel(e: AuditEventView): string {
    return e.metadata.actorKind ?? 'actor';
  }

  protected userLabel(entry: AuditStreamEntry): string {
    const user = entry.user;
    if (!user) return '';
    const contact = user.email ?? user.username;
    return contact ? `${user.name} · ${contact}` : user.name;
  }
}
