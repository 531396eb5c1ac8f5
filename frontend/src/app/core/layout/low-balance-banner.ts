import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { NavigationEnd, Router, RouterLink } from '@angular/router';
import { filter } from 'rxjs';
import { MoneyPipe } from '../../shared/money';
import { LowBalanceStore } from './low-balance-store';

/**
 * Shown on every page when the credit balance is below the threshold the user set (on /app/credits);
 * read again on navigation at most every 30 s; dismissible for the tab's session.
 */
@Component({
  selector: 'gw-low-balance-banner',
  imports: [RouterLink, MatButtonModule, MatIconModule, MoneyPipe],
  template: `
    <div role="status" aria-live="polite">
      @if (store.visible()) {
        <div class="banner">
          <mat-icon aria-hidden="true">account_balance_wallet</mat-icon>
          <p class="text">
            Your credit balance is <strong class="gw-money">{{ store.balanceMicros() | money }}</strong>,
            below your alert of <span class="gw-money">{{ store.thresholdMicros() | money }}</span>.
          </p>
          <span class="actions">
            <a mat-flat-button routerLink="/app/credits">Buy credits</a>
            <button mat-button type="button" (click)="store.dismiss()">Dismiss for this session</button>
          </span>
        </div>
      }
    </div>
  `,
  styles: `
    .banner {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px 12px;
      padding: 8px 16px;
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
    .text {
      flex: 1 1 220px;
      margin: 0;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LowBalanceBanner {
  protected readonly store = inject(LowBalanceStore);

  constructor() {
    const router = inject(Router);
    void this.store.refreshIfStale();
    router.events
      .pipe(
        filter((e) => e instanceof NavigationEnd),
        takeUntilDestroyed(),
      )
      .subscribe(() => void this.store.refreshIfStale());
  }
}
