import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Res,
  UseGuards,
  type OnModuleDestroy,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AccessDirectory } from '@gw/accounts';
import { EVENT_STORE, type EventStore } from '@gw/eventstore';
import { validateRoutingPolicy, type RoutingPolicy } from '@gw/routing';
import { CLOCK, ValidationError, type Clock } from '@gw/shared-kernel';
import { AdminGuard } from '../../auth/admin.guard';
import { GatewayKeyGuard } from '../../auth/gateway-key.guard';
import { ChatContext } from '../../chat/chat-context';
import { dtoSchema } from '../../http/openapi';
import { ApiView } from '../../http/openapi-views';
import { validateDto } from '../../http/validate-dto';
import { policyFromDto } from '../routing-policy.dto';
import type { ReplayCatalog, ReplayContext } from './replay';
import type { RecordedRequest } from './replay-input';
import { contextFor, type LoadedRequest, type WhatIfDraft, type WhatIfHistory } from './what-if-loader';
import { replayRange, WhatIfJobs, type WhatIfRun } from './what-if-jobs';
import { WhatIfDto } from './what-if.dto';
import type { WhatIfJobView, WhatIfRequestView } from './what-if.views';

/** A POST whose job finishes within this long answers 200 with the result; otherwise 202. */
export const WHAT_IF_SYNC_WAIT_MS = 1_500;
/** The longest range one what-if replays. */
export const WHAT_IF_MAX_RANGE_DAYS = 400;
const DAY_MS = 24 * 60 * 60 * 1_000;

const invalid = (param: string, message: string): never => {
  throw new ValidationError('REQUEST.INVALID_PARAMETER', message, { param });
};

/** The policy's own checks (policyFromDto's and the decider's) with their param under `policy.`. */
function draftPolicyOf(dto: WhatIfDto, version: number): RoutingPolicy {
  try {
    const draft = policyFromDto(dto.policy);
    validateRoutingPolicy(draft);
    return { ...draft, version };
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    const param = e.details.param;
    throw new ValidationError(e.code, e.message, {
      ...e.details,
      param: typeof param === 'string' ? `policy.${param}` : 'policy',
    });
  }
}

/** [from, to] of the body: `to` defaults to now, after `from`, at most 400 days later. */
export function rangeOf(dto: Pick<WhatIfDto, 'from' | 'to'>, now: Date): { from: Date; to: Date } {
  const from = new Date(dto.from);
  if (Number.isNaN(from.getTime())) invalid('from', 'from must be an ISO 8601 date or date-time');
  const to = dto.to === undefined ? now : new Date(dto.to);
  if (Number.isNaN(to.getTime())) invalid('to', 'to must be an ISO 8601 date or date-time');
  if (to.getTime() <= from.getTime()) invalid('to', 'to must be after from');
  if (to.getTime() - from.getTime() > WHAT_IF_MAX_RANGE_DAYS * DAY_MS)
    invalid('to', `a what-if covers at most ${WHAT_IF_MAX_RANGE_DAYS} days`);
  return { from, to };
}

/** The catalog as the chat path routes from it now. */
export const currentReplayCatalog = (context: ChatContext): ReplayCatalog => ({
  models: context.catalog.models,
  keyOnly: context.catalog.keyOnly?.models ?? new Map(),
});

/**
 * What-if replay (issue 20): a draft routing policy applied to the recorded requests of a range, with
 * zero upstream calls and nothing written (the event store is only read). Runs as an in-memory job on
 * this instance; POST answers 200 with the result when it is done within 1.5 s, else 202 with its
 * Location to poll (GET) or cancel (DELETE).
 */
@ApiTags('admin: routing policy')
@ApiBearerAuth()
@Controller('api/v1/admin/routing/what-if')
@UseGuards(GatewayKeyGuard, AdminGuard)
export class WhatIfController implements OnModuleDestroy {
  readonly jobs: WhatIfJobs;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ChatContext) private readonly context: ChatContext,
    @Inject(AccessDirectory) private readonly directory: AccessDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.jobs = new WhatIfJobs({ now: () => this.clock.now().getTime() });
  }

  onModuleDestroy(): void {
    this.jobs.cancelAll();
  }

  /**
   * Replays every request routed in [from, to] (filters: user, tier, served model) under the draft
   * policy, optionally at one power level, against each request's catalog and billing policy of
   * the time (or the current ones: `catalog`/`billing` `now`). `changed.overCap` uses the users'
   * monthly caps as they are now. At most 2 jobs run at once (429 `WHAT_IF.TOO_MANY_JOBS`).
   */
  @ApiBody({ schema: dtoSchema('WhatIfDto') })
  @ApiView('WhatIfJobView')
  @ApiView('WhatIfJobView', 202)
  @Post()
  @HttpCode(200)
  async start(
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WhatIfJobView> {
    const dto = validateDto(WhatIfDto, body);
    const policy = draftPolicyOf(dto, this.context.policy.version);
    const { from, to } = rangeOf(dto, this.clock.now());
    const filters = dto.filters ?? {};
    const request: WhatIfRequestView = {
      from: from.toISOString(),
      to: to.toISOString(),
      powerLevel: dto.powerLevel ?? null,
      filters: {
        ...(filters.userId !== undefined && { userId: filters.userId }),
        ...(filters.tier !== undefined && { tier: filters.tier }),
        ...(filters.model !== undefined && { model: filters.model }),
      },
      catalog: dto.catalog ?? 'then',
      billing: dto.billing ?? 'then',
    };
    const run = this.runOf(request, policy, from, to);
    const started = this.jobs.start(request, (signal, progress) =>
      replayRange(this.store, run, signal, progress),
    );
    const job = await this.jobs.waitFor(started.id, WHAT_IF_SYNC_WAIT_MS);
    if (job.status === 'running')
      void reply.status(202).header('location', `/api/v1/admin/routing/what-if/${job.id}`);
    return job;
  }

  /** A job of this instance (finished ones are kept an hour, the last 20). */
  @ApiView('WhatIfJobView')
  @Get(':id')
  get(@Param('id') id: string): WhatIfJobView {
    return this.jobs.get(id);
  }

  /** Cancels a running job (status `cancelled`); a finished one is answered unchanged. */
  @ApiView('WhatIfJobView')
  @Delete(':id')
  cancel(@Param('id') id: string): WhatIfJobView {
    return this.jobs.cancel(id);
  }

  private runOf(request: WhatIfRequestView, policy: RoutingPolicy, from: Date, to: Date): WhatIfRun {
    const draft: WhatIfDraft = {
      policy,
      ...(request.powerLevel !== null && { powerLevel: request.powerLevel }),
      ...(request.catalog === 'now' && { catalogNow: currentReplayCatalog(this.context) }),
    };
    // The billing policy in force now (the loader's history stops at `to`).
    const billingNow = request.billing === 'now' ? this.context.billing.policy : undefined;
    const { userId, tier, model } = request.filters;
    const filter =
      userId === undefined && tier === undefined && model === undefined
        ? undefined
        : (r: RecordedRequest): boolean =>
            (userId === undefined || r.userId === userId) &&
            (tier === undefined || r.tier === tier) &&
            (model === undefined || r.servedModelId === model);
    // The users' monthly caps as they are now, read once per user.
    const caps = new Map<string, bigint | undefined>();
    const capOf = (user: string): bigint | undefined => {
      if (!caps.has(user)) {
        const cap = this.directory.account(user)?.monthlyCapMicros;
        caps.set(user, cap ? BigInt(cap) : undefined);
      }
      return caps.get(user);
    };
    return {
      from,
      to,
      ...(filter && { filter }),
      aggregate: { capOf },
      contextOf: (loaded: LoadedRequest, history: WhatIfHistory): ReplayContext => {
        const ctx = contextFor(loaded, history, draft);
        return billingNow ? { ...ctx, billing: billingNow } : ctx;
      },
    };
  }
}
