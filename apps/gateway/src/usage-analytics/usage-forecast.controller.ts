import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { QueryBus } from '@nestjs/cqrs';
import type { Principal } from '@gw/accounts';
import { CLOCK, type Clock } from '@gw/shared-kernel';
import { FORECAST_WINDOW_MS, forecastMonth, GetUsageSummaryQuery } from '@gw/usage-billing';
import { AccountService } from '../accounts/account-service';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { BudgetGate } from '../billing/budget-gate';
import { readQuery } from './usage-analytics.reader';
import type { UsageForecastView } from './usage-portal.views';
import { ApiView } from '../http/openapi-views';

/** GET /api/v1/me/usage/forecast takes no parameters (any is a 400). */
export class UsageForecastDto {}

/**
 * Month-end forecast: this month's spend as the cap sees it (the budget's month to date) plus the
 * last 7 days' charge per day over the rest of the month (forecastMonth, in libs/usage-billing).
 */
@ApiTags('me')
@ApiBearerAuth()
@Controller('api/v1/me/usage')
@UseGuards(GatewayKeyGuard)
export class MeUsageForecastController {
  constructor(
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(BudgetGate) private readonly budget: BudgetGate,
    @Inject(AccountService) private readonly accounts: AccountService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @ApiView('UsageForecastView')
  @Get('forecast')
  async forecast(@CurrentPrincipal() p: Principal, @Query() q: unknown): Promise<UsageForecastView> {
    readQuery(UsageForecastDto, q);
    const now = this.clock.now();
    const window = { from: new Date(now.getTime() - FORECAST_WINDOW_MS), to: now };
    const [view, recent] = await Promise.all([
      this.budget.view(p.userId),
      this.queries.execute(new GetUsageSummaryQuery({ kind: 'user', userId: p.userId }, window)),
    ]);
    const account = this.accounts.account(p.userId);
    const cap = account.monthlyCapMicros === null ? null : BigInt(account.monthlyCapMicros);
    const f = forecastMonth({
      now,
      monthToDateMicros: view.monthSpendMicros,
      recentSpendMicros: BigInt(recent.chargedMicros),
      recentWindowMs: FORECAST_WINDOW_MS,
      capMicros: cap,
      balanceMicros: view.balanceMicros,
    });
    return {
      monthStart: f.monthStart.toISOString(),
      monthEnd: f.monthEnd.toISOString(),
      monthToDateMicros: view.monthSpendMicros.toString(),
      forecastMonthEndMicros: f.forecastMonthEndMicros.toString(),
      capMicros: cap === null ? null : cap.toString(),
      capMode: cap === null ? null : account.capMode,
      projectedOverCap: f.projectedOverCap,
      dailyRateMicros: f.dailyRateMicros.toString(),
      rateWindow: { from: window.from.toISOString(), to: window.to.toISOString() },
      balanceMicros: view.balanceMicros.toString(),
      daysOfCreditLeft: f.daysOfCreditLeft,
    };
  }
}
