import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import { MoneyPipe } from '../../shared/money';
import { formatCount, formatPercent, spendDigits } from '../../portal/usage/usage-format';
import type { UsageByUserRow } from './admin-usage-api';
import { formatMarginRate } from './admin-usage-format';

/** Users by what they were charged: requests, tokens, charge, provider cost, margin; each links to the user. */
@Component({
  selector: 'gw-top-spenders',
  imports: [RouterLink, MoneyPipe],
  template: `
    <div class="gw-table-scroll" tabindex="0" role="region" aria-label="Top spenders">
      <table class="spenders">
        <caption class="gw-sr-only">
          Top spenders: requests, tokens, charge, provider cost and margin per user, most charged first
        </caption>
        <thead>
          <tr>
            <th scope="col" class="num rank">#</th>
            <th scope="col">User</th>
            <th scope="col" class="num">Requests</th>
            <th scope="col" class="num">Tokens</th>
            <th scope="col" class="num">Charged</th>
            <th scope="col" class="num">Share</th>
            <th scope="col" class="num">Provider cost</th>
            <th scope="col" class="num">Margin</th>
            <th scope="col" class="num">Margin %</th>
          </tr>
        </thead>
        <tbody>
          @for (row of rows(); track row.userId; let i = $index) {
            <tr [attr.data-user-id]="row.userId">
              <td class="num rank">{{ i + 1 }}</td>
              <th scope="row" class="user">
                @if (row.deleted) {
                  <span class="gw-muted">Deleted account</span>
                  <span class="detail gw-muted">{{ row.userId }}</span>
                } @else {
                  <a [routerLink]="['/admin/users', row.userId]">{{ row.name }}</a>
                  @if (row.username ?? row.email; as handle) {
                    <span class="detail gw-muted">{{ handle }}</span>
                  }
                }
              </th>
              <td class="num">{{ formatCount(row.requests) }}</td>
              <td class="num">{{ formatCount(row.totalTokens) }}</td>
              <td class="num gw-money">{{ row.chargedMicros | money: spendDigits(row.chargedMicros) }}</td>
              <td class="num">{{ formatPercent(row.shareOfCharge) }}</td>
              <td class="num gw-money">
                {{ row.providerCostMicros | money: spendDigits(row.providerCostMicros) }}
              </td>
              <td class="num gw-money" [class.loss]="row.marginMicros.startsWith('-')">
                {{ row.marginMicros | money: spendDigits(row.marginMicros) }}
              </td>
              <td class="num">{{ formatMarginRate(row.marginRate) }}</td>
            </tr>
          }
        </tbody>
      </table>
    </div>
  `,
  styles: `
    .spenders {
      width: 100%;
      border-collapse: collapse;
      font: var(--mat-sys-body-medium);
    }
    th,
    td {
      padding: 6px 8px;
      text-align: left;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
      white-space: nowrap;
    }
    thead th {
      font: var(--mat-sys-label-large);
    }
    .num {
      text-align: right;
      font-variant-numeric: tabular-nums;
    }
    .user {
      font-weight: normal;
    }
    .detail {
      display: block;
      font: var(--mat-sys-body-small);
    }
    .loss {
      color: var(--mat-sys-error);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TopSpenders {
  readonly rows = input.required<readonly UsageByUserRow[]>();

  protected readonly formatCount = formatCount;
  protected readonly formatPercent = formatPercent;
  protected readonly formatMarginRate = formatMarginRate;
  protected readonly spendDigits = spendDigits;
}
