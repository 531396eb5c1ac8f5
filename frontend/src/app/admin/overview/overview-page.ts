import { DatePipe, DecimalPipe, PercentPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, type OnInit } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { RouterLink } from '@angular/router';
import { MoneyPipe } from '../../shared/money';
import { PageState } from '../../shared/page-state';
import { describeChange, moneyDigits, OverviewStore } from './overview-store';

/**
 * /admin — the admin overview: requests and spend today vs yesterday (UTC days), providers that are not
 * healthy, the fallback rate, budget and rate-limit refusals and projection lag; each tile links to the
 * page that goes deeper.
 */
@Component({
  selector: 'gw-overview-page',
  imports: [
    DatePipe,
    DecimalPipe,
    PercentPipe,
    MatButtonModule,
    MatIconModule,
    RouterLink,
    MoneyPipe,
    PageState,
  ],
  providers: [OverviewStore],
  templateUrl: './overview-page.html',
  styleUrl: './overview-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class OverviewPage implements OnInit {
  protected readonly store = inject(OverviewStore);
  protected readonly describeChange = describeChange;
  protected readonly moneyDigits = moneyDigits;

  ngOnInit(): void {
    void this.store.load();
  }
}
