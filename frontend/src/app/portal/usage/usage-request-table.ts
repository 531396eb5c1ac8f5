import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { RouterLink } from '@angular/router';
import type { UsageRequestView } from './usage-api';
import { formatCount, formatMs, formatSpend, formatTime, powerLevelLabel } from './usage-format';

const OUTCOMES: Readonly<Record<UsageRequestView['outcome'], string>> = {
  completed: 'Completed',
  interrupted: 'Interrupted',
  failed: 'Failed',
};

/** The range's requests, newest first, 50 a page; each row links to its routing explanation. */
@Component({
  selector: 'gw-usage-request-table',
  imports: [RouterLink, MatButtonModule],
  templateUrl: './usage-request-table.html',
  styleUrl: './usage-request-table.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UsageRequestTable {
  readonly rows = input.required<readonly UsageRequestView[]>();
  readonly hasMore = input(false);
  readonly busy = input(false);
  readonly loadMore = output<void>();

  /** Formatted once per page of rows, not on every change detection. */
  protected readonly view = computed(() =>
    this.rows().map((r) => ({
      id: r.requestId,
      time: formatTime(r.occurredAt),
      model: r.model,
      provider: r.provider,
      powerLevel: powerLevelLabel(r.powerLevel),
      key: r.keySource === 'byok' ? 'Your key' : 'Platform',
      outcome: OUTCOMES[r.outcome],
      failed: r.outcome !== 'completed',
      attempts: r.attempts,
      tokens: formatCount(r.totalTokens),
      latency: formatMs(r.latencyMs),
      charged: formatSpend(r.chargedMicros),
    })),
  );
}
