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
import { replayRange } from './what-if-jobs';
import { contextFor } from './what-if-loader';
import { MyWhatIfQueryDto } from './what-if.dto';
import type { MyWhatIfView } from './what-if.views';

const DAY_MS = 24 * 60 * 60 * 1_000;

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

  @ApiQuery({ name: 'powerLevel', required: true, enum: [...POWER_LEVELS] })
  @ApiQuery({ name: 'days', required: false, type: Number, description: '1–90, default 30' })
  @ApiView('MyWhatIfView')
  @Get()
  async whatIf(@CurrentPrincipal() principal: Principal, @Query() query: unknown): Promise<MyWhatIfView> {
    const dto = readQuery(MyWhatIfQueryDto, query);
    const days = dto.days ?? 30;
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
