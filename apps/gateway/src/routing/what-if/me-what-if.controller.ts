import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@gw/accounts';
import { EVENT_STORE, type EventStore } from '@gw/eventstore';
import { CLOCK, POWER_LEVELS, type Clock } from '@gw/shared-kernel';
import { GatewayKeyGuard } from '../../auth/gateway-key.guard';
import { CurrentPrincipal } from '../../auth/principal.decorator';
import { ChatContext } from '../../chat/chat-context';
import { ApiView } from '../../http/openapi-views';
import { readQuery } from '../../usage-analytics/usage-analytics.reader';
import { replayRange, WhatIfBusyError } from './what-if-jobs';
import { contextFor } from './what-if-loader';
import { MyWhatIfQueryDto } from './what-if.dto';
import type { MyWhatIfView } from './what-if.views';

const DAY_MS = 24 * 60 * 60 * 1_000;
/** Replays of this endpoint running at once on an instance (each reads the event log from its start). */
export const MY_WHAT_IF_MAX_RUNNING = 2;
/** How long a caller's answer is reused for the same level and days. */
export const MY_WHAT_IF_CACHE_MS = 60_000;

/**
 * The settings page's "last 30 days at eco would have cost $X instead of $Y": the caller's own
 * requests of the last `days` days replayed at one power level under the routing policy in force,
 * with each request's catalog, prices and billing policy of the time. Reads the event store only:
 * no upstream call, nothing written.
 */
@ApiTags('me')
@ApiBearerAuth()
@Controller('api/v1/me/what-if')
@UseGuards(GatewayKeyGuard)
export class MeWhatIfController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ChatContext) private readonly context: ChatContext,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private running = 0;
  /** Answers by `${userId} ${powerLevel} ${days}`, reused for MY_WHAT_IF_CACHE_MS (at most 1,000 kept). */
  private readonly answers = new Map<string, { atMs: number; view: MyWhatIfView }>();

  @ApiQuery({ name: 'powerLevel', required: true, enum: [...POWER_LEVELS] })
  @ApiQuery({ name: 'days', required: false, type: Number, description: '1–90, default 30' })
  @ApiView('MyWhatIfView')
  @Get()
  async whatIf(@CurrentPrincipal() principal: Principal, @Query() query: unknown): Promise<MyWhatIfView> {
    const dto = readQuery(MyWhatIfQueryDto, query);
    const days = dto.days ?? 30;
    const key = `${principal.userId} ${dto.powerLevel} ${days}`;
    const nowMs = this.clock.now().getTime();
    const cached = this.answers.get(key);
    if (cached && nowMs - cached.atMs < MY_WHAT_IF_CACHE_MS) return cached.view;
    if (this.running >= MY_WHAT_IF_MAX_RUNNING)
      throw new WhatIfBusyError(
        'WHAT_IF.BUSY',
        'Other estimates are being computed right now; try again in a few seconds.',
      );
    this.running += 1;
    try {
      const view = await this.compute(principal, dto.powerLevel, days);
      if (this.answers.size >= 1_000) this.answers.clear();
      this.answers.set(key, { atMs: nowMs, view });
      return view;
    } finally {
      this.running -= 1;
    }
  }

  private async compute(
    principal: Principal,
    powerLevel: MyWhatIfView['powerLevel'],
    days: number,
  ): Promise<MyWhatIfView> {
    const dto = { powerLevel };
    const to = this.clock.now();
    const from = new Date(to.getTime() - days * DAY_MS);
    const draft = { policy: this.context.policy, powerLevel: dto.powerLevel };
    const result = await replayRange(this.store, {
      from,
      to,
      filter: (r) => r.userId === principal.userId,
      aggregate: { sampleSize: 0 },
      contextOf: (loaded, history) => contextFor(loaded, history, draft),
    });
    return {
      powerLevel: dto.powerLevel,
      days,
      requests: result.requests,
      actualChargeMicros: result.before.chargeMicros,
      wouldChargeMicros: result.after.chargeMicros,
      currentPowerLevel: principal.powerLevel,
    };
  }
}
