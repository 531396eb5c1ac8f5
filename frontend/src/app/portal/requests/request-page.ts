import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  untracked,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { RouterLink } from '@angular/router';
import { MoneyPipe } from '../../shared/money';
import { PageState } from '../../shared/page-state';
import type { CandidateRecord, RequestExplanation } from './request-api';
import { RequestStore } from './request-store';

const COUNT = new Intl.NumberFormat('en');
const SCORE = new Intl.NumberFormat('en', { minimumFractionDigits: 3, maximumFractionDigits: 3 });
const TIME = new Intl.DateTimeFormat('en', {
  dateStyle: 'medium',
  timeStyle: 'medium',
  hourCycle: 'h23',
  timeZone: 'UTC',
});

const OUTCOMES: Readonly<Record<RequestExplanation['outcome'], string>> = {
  pending: 'In progress',
  completed: 'Completed',
  interrupted: 'Interrupted',
  failed: 'Failed',
};

const POWER_LEVELS: Readonly<Record<string, string>> = {
  eco: 'Eco',
  balanced: 'Balanced',
  precision: 'Precision',
};

/** What happened to a candidate in this request. */
export function candidateRole(e: RequestExplanation, modelId: string): string {
  const roles: string[] = [];
  if (modelId === e.chosenModelId) roles.push('Chosen');
  if (e.fallbacks.some((f) => f.fromModelId === modelId)) roles.push('Failed, fell back');
  if (modelId === e.finalModelId) roles.push('Answered');
  return roles.join(' · ');
}

/** A candidate's bonuses and penalty, when any: "+0.050 preference · +0.100 own key · rate limit 0.400". */
export function adjustmentsOf(c: CandidateRecord): string {
  const parts: string[] = [];
  if (c.components.preference) parts.push(`+${SCORE.format(c.components.preference)} preference`);
  if (c.components.byok) parts.push(`+${SCORE.format(c.components.byok)} own key`);
  if (c.components.rateLimit) parts.push(`rate limit ${SCORE.format(c.components.rateLimit)}`);
  return parts.join(' · ');
}

/** /app/requests/:id: the routing explanation of one request. */
@Component({
  selector: 'gw-request-page',
  imports: [RouterLink, MatButtonModule, MatCardModule, MatIconModule, MoneyPipe, PageState],
  providers: [RequestStore],
  templateUrl: './request-page.html',
  styleUrl: './request-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class RequestPage {
  protected readonly store = inject(RequestStore);
  /** The route's :id (component input binding). */
  readonly id = input.required<string>();

  protected readonly count = (n: number | undefined): string => COUNT.format(n ?? 0);
  protected readonly score = (n: number): string => SCORE.format(n);
  protected readonly round = Math.round;
  protected readonly time = (iso: string): string => `${TIME.format(new Date(iso))} UTC`;
  protected readonly powerLevel = (level: string): string => POWER_LEVELS[level] ?? level;
  protected readonly percent = (n: number): string => `${COUNT.format(n)}%`;

  protected readonly outcome = computed(() => {
    const e = this.store.explanation();
    return e ? OUTCOMES[e.outcome] : '';
  });

  protected readonly candidates = computed(() => {
    const e = this.store.explanation();
    if (!e) return [];
    return e.candidates.map((c, i) => ({
      ...c,
      rank: i + 1,
      role: candidateRole(e, c.modelId),
      adjustments: adjustmentsOf(c),
      chosen: c.modelId === e.chosenModelId,
    }));
  });

  constructor() {
    effect(() => {
      const id = this.id();
      untracked(() => void this.store.load(id));
    });
  }

  protected reload(): void {
    void this.store.load(this.id());
  }
}
