import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

/** One version in a history list: who, when, and what changed against the version before it. */
export interface HistoryEntry {
  readonly version: number;
  /** Null for version 0, the product defaults. */
  readonly who: string | null;
  readonly at: string | null;
  readonly changes: readonly string[];
}

/** Who made a policy's version in force and when, or that it is the product defaults. */
@Component({
  selector: 'gw-policy-version',
  imports: [DatePipe],
  template: `
    <p class="version-line">
      <span class="chip">Version {{ version() }}</span>
      @if (changedAt(); as at) {
        <span class="who"
          >changed by <strong>{{ changedBy() }}</strong> on {{ at | date: 'medium' }}</span
        >
      } @else if (version() === 0) {
        <span class="who">the product defaults, never changed</span>
      }
    </p>
  `,
  styleUrl: './policy-history.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PolicyVersion {
  readonly version = input.required<number>();
  readonly changedBy = input<string | null>(null);
  readonly changedAt = input<string | null>(null);
}

/** A policy's versions, newest first, each with what it changed. */
@Component({
  selector: 'gw-policy-history',
  imports: [DatePipe],
  template: `
    <h3 class="history-title" [id]="headingId()">Version history</h3>
    @if (!changed()) {
      <p class="gw-muted">No changes yet: version 0 is the product defaults.</p>
    } @else {
      <ol class="history" [attr.aria-labelledby]="headingId()" tabindex="0">
        @for (entry of entries(); track entry.version) {
          <li class="entry">
            <p class="entry-head">
              <span class="chip">Version {{ entry.version }}</span>
              @if (entry.version === current()) {
                <span class="chip in-force">In force</span>
              }
              @if (entry.at) {
                <span>{{ entry.at | date: 'medium' }}</span>
                <span class="gw-muted">by {{ entry.who }}</span>
              } @else {
                <span>The product defaults</span>
              }
            </p>
            @if (entry.version > 0) {
              <ul class="changes">
                @for (change of entry.changes; track $index) {
                  <li>{{ change }}</li>
                } @empty {
                  <li class="gw-muted">No difference from the version before.</li>
                }
              </ul>
            }
          </li>
        }
      </ol>
    }
  `,
  styleUrl: './policy-history.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PolicyHistory {
  readonly entries = input.required<readonly HistoryEntry[]>();
  /** The version in force (marked "In force"). */
  readonly current = input<number | null>(null);
  readonly headingId = input.required<string>();
  /** Whether anyone ever changed the policy (more than version 0). */
  protected readonly changed = computed(() => this.entries().some((e) => e.version > 0));
}

/**
 * History entries from versions newest first (version 0, the product defaults, last): each compared
 * with the next older one.
 */
export function historyEntries<
  E extends {
    version: number;
    changedBy: string | null;
    changedByName: string | null;
    changedAt: string | null;
  },
>(versions: readonly E[], changes: (older: E, newer: E) => string[]): HistoryEntry[] {
  return versions.map((v, i) => {
    const older = versions[i + 1];
    return {
      version: v.version,
      who: v.changedByName ?? v.changedBy,
      at: v.changedAt,
      changes: older ? changes(older, v) : v.version === 0 ? [] : ['Earlier versions are not listed.'],
    };
  });
}
