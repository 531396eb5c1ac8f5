import { computed, inject, Injectable, signal } from '@angular/core';
import { ApiError } from '../../core/http/api-error';
import { type AdminOverview, OverviewApi } from './overview-api';

/** Today against yesterday: the change in per cent (null when yesterday had none to compare with). */
/** Digits for an amount: cents from a cent up, else to the micro-dollar (so $0.000300 is not "$0.00"). */
export function moneyDigits(...micros: string[]): number {
  return micros.some((m) => m !== '0' && BigInt(m) < 10_000n && BigInt(m) > -10_000n) ? 6 : 2;
}

export function percentChange(today: bigint | number, yesterday: bigint | number): number | null {
  const t = Number(today);
  const y = Number(yesterday);
  if (y === 0) return null;
  return Math.round(((t - y) / y) * 1000) / 10;
}

/** "+12.5 % vs yesterday", "−3 % vs yesterday"; '' when there is nothing to compare with. */
export function describeChange(change: number | null): string {
  if (change === null) return '';
  if (change === 0) return 'same as yesterday';
  const sign = change > 0 ? '+' : '−';
  return `${sign}${Math.abs(change).toLocaleString(undefined, { maximumFractionDigits: 1 })} % vs yesterday`;
}

/** The admin overview's state: one read of every tile's numbers, again on refresh. */
@Injectable()
export class OverviewStore {
  private readonly api = inject(OverviewApi);
  private readonly value = signal<AdminOverview | null>(null);
  private readonly loadingState = signal(true);
  private readonly errorState = signal<ApiError | null>(null);

  readonly overview = this.value.asReadonly();
  readonly loading = this.loadingState.asReadonly();
  readonly error = this.errorState.asReadonly();

  readonly requestsChange = computed(() => {
    const o = this.value();
    return o ? percentChange(o.today.requests, o.yesterday.requests) : null;
  });
  readonly chargeChange = computed(() => {
    const o = this.value();
    return o ? percentChange(BigInt(o.today.chargedMicros), BigInt(o.yesterday.chargedMicros)) : null;
  });
  readonly refusals = computed(() => {
    const o = this.value();
    return o ? o.refusals.budget.total + o.refusals.rateLimit.total : 0;
  });

  async load(): Promise<void> {
    this.loadingState.set(true);
    this.errorState.set(null);
    try {
      this.value.set(await this.api.get());
    } catch (e) {
      this.errorState.set(
        e instanceof ApiError ? e : new ApiError(0, 'client_error', 'Something went wrong', String(e), null),
      );
    } finally {
      this.loadingState.set(false);
    }
  }
}
