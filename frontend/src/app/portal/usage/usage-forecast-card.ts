import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import { MoneyPipe } from '../../shared/money';
import type { UsageForecastView } from './usage-api';
import { formatCount, spendDigits } from './usage-format';

const MONTH = new Intl.DateTimeFormat('en', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** Per mille of `part` in `whole`, exactly (bigint), for the progress bar: 0 to 100 (%). */
export function percentOf(part: string, whole: string): number {
  const w = BigInt(whole);
  if (w <= 0n) return 100;
  const permille = (BigInt(part) * 1000n) / w;
  return Math.min(100, Number(permille) / 10);
}

/** Month-to-date spend against the monthly cap, and where this month ends at the recent rate. */
@Component({
  selector: 'gw-usage-forecast-card',
  imports: [MatCardModule, MatIconModule, MatProgressBarModule, RouterLink, MoneyPipe],
  templateUrl: './usage-forecast-card.html',
  styleUrl: './usage-forecast-card.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UsageForecastCard {
  readonly forecast = input.required<UsageForecastView>();
  protected readonly spendDigits = spendDigits;

  protected readonly month = computed(() => MONTH.format(new Date(this.forecast().monthStart)));
  protected readonly spentPercent = computed(() => {
    const f = this.forecast();
    return f.capMicros === null ? null : percentOf(f.monthToDateMicros, f.capMicros);
  });
  protected readonly daysLeft = computed(() => {
    const d = this.forecast().daysOfCreditLeft;
    if (d === null) return null;
    if (d < 1) return 'less than a day';
    return d > 365 ? 'more than a year' : `about ${formatCount(Math.floor(d))} days`;
  });
}
