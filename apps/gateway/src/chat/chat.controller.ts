import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiTags, ApiBearerAuth, ApiBody, ApiHeader } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Principal } from '@gw/accounts';
import { tierAllows, type RedisFieldGuard } from '@gw/shared-kernel';
import { CurrentPrincipal, type AuthenticatedRequest } from '../auth/principal.decorator';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import { writeRawError } from '../errors/write-raw-error';
import { requestIdOf } from '../logging/request-id';
import { ChatService } from './chat.service';
import { validateChatRequest } from './validate-chat-request';
import { dtoSchema } from '../http/openapi';
import { admissionTokens, RateLimitGate } from '../limits/rate-limit-gate';
import { promptTokenBound } from '@gw/routing';
import { IdempotencyGate, type IdempotentRun } from './idempotency-gate';
import type { ChatCompletionDto } from './chat-completion.dto';
import type { StepTimer } from './steps/step-timer';
import { ApiView } from '../http/openapi-views';

/** GET /v1/models, in OpenAI's shape. */
export interface ModelList {
  readonly object: 'list';
  readonly data: ReadonlyArray<{
    readonly id: string;
    readonly object: 'model';
    /** Always 0: the catalog keeps no creation time. */
    readonly created: number;
    readonly owned_by: string;
  }>;
}

/** The OpenAI-compatible surface. Thin: validate, dispatch to the hot path, write the answer. */
@ApiTags('OpenAI-compatible')
@ApiBearerAuth()
@Controller('v1')
@UseGuards(GatewayKeyGuard)
export class ChatController {
  constructor(
    @Inject(ChatService) private readonly chat: ChatService,
    @Inject(RateLimitGate) private readonly rateLimits: RateLimitGate,
    @Inject(IdempotencyGate) private readonly idempotency: IdempotencyGate,
  ) {}

  @ApiBody({ schema: dtoSchema('ChatCompletionDto') })
  @ApiHeader({
    name: 'x-power-level',
    required: false,
    enum: ['eco', 'balanced', 'precision'],
    description:
      "This request's power level instead of the caller's setting (model `auto` or a level alias).",
  })
  @ApiHeader({
    name: 'x-switchyard-use-case',
    required: false,
    description:
      'A use case of the routing policy (e.g. `code`): its fallback chain is tried first. Same as `metadata.use_case`.',
  })
  @ApiHeader({
    name: 'idempotency-key',
    required: false,
    description:
      'The same key again within 24 h returns the first answer (`x-switchyard-idempotent-replay: true`), billed once; 409 while the first still runs.',
  })
  @Post('chat/completions')
  @HttpCode(200)
  async createChatCompletion(
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
    @Res() reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    // The request's steps (switchyard_chat_step_seconds); authenticate ran before the body was read.
    const steps = this.chat.startSteps();
    const dto = validateChatRequest(body);
    // A repeat of an answered request gets that answer: not limited, routed or charged again.
    const idempotent = await this.idempotency.begin(
      principal.userId,
      request.headers['idempotency-key'],
      body,
    );
    steps.lap('validate');
    if (idempotent.kind === 'replay') {
      const { status, headers, body: stored } = idempotent.response;
      await reply
        .code(status)
        .headers({ ...headers, 'x-switchyard-idempotent-replay': 'true' })
        .send(stored);
      steps.lap('respond');
      return;
    }
    const run = idempotent.kind === 'run' ? idempotent.run : undefined;
    try {
      await this.answer(body, dto, request, reply, principal, run, steps);
    } catch (e) {
      await run?.abandon();
      throw e;
    }
  }

  private async answer(
    body: unknown,
    dto: ChatCompletionDto,
    request: AuthenticatedRequest,
    reply: FastifyReply,
    principal: Principal,
    run: IdempotentRun | undefined,
    steps: StepTimer,
  ): Promise<void> {
    // One upper bound on the prompt, shared by routing (context windows), rate limits and the budget.
    const promptTokens = promptTokenBound(dto);
    const abort = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) abort.abort();
    });
    const header = request.headers['x-power-level'];
    const useCase = request.headers['x-switchyard-use-case'];
    const call = {
      principal,
      dto,
      body: body as Record<string, unknown>,
      requestId: requestIdOf(request),
      powerLevelHeader: typeof header === 'string' ? header : undefined,
      useCaseHeader: typeof useCase === 'string' ? useCase : undefined,
      signal: abort.signal,
      promptTokens,
      ...(run && { transcript: [] as string[] }),
      onUsage: (used: number, clamped: boolean) =>
        this.rateLimits.correct(principal, admissionTokens(dto, promptTokens), used, clamped),
      // The tier's rate limits, once the budget holds the request: one limiter call, no database.
      admit: () => this.rateLimits.admit(principal, dto, promptTokens),
      admitBehind: (guard: RedisFieldGuard) =>
        this.rateLimits.admitBehind(principal, dto, guard, promptTokens),
      steps,
    };
    if (dto.stream === true) {
      reply.hijack(); // the stream is written to the socket directly, errors included
      try {
        await this.chat.stream(call, reply.raw);
      } catch (e) {
        await run?.abandon();
        writeRawError(reply.raw, e, call.requestId);
        return;
      }
      if (run) {
        const sse = call.transcript!.join('');
        // Only a stream that ended with [DONE] is an answer to replay.
        if (sse.endsWith('data: [DONE]\n\n'))
          await run.complete({
            status: 200,
            headers: { 'content-type': 'text/event-stream; charset=utf-8' },
            body: sse,
          });
        else await run.abandon();
      }
      return;
    }
    const { body: completion, headers, limitHeaders } = await this.chat.complete(call);
    const json = JSON.stringify(completion);
    await run?.complete({
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body: json,
    });
    await reply
      .headers({ ...limitHeaders, ...headers })
      .type('application/json; charset=utf-8')
      .send(json);
    steps.lap('respond');
  }

  /**
   * The models this caller may use now: enabled, served by an active provider or by the caller's own
   * key (BYOK, custom endpoints included), allowed for the tier.
   */
  @ApiView('ModelList')
  @Get('models')
  listModels(@CurrentPrincipal() principal: Principal): ModelList {
    return {
      object: 'list',
      data: this.chat
        .modelsFor(principal)
        .filter((m) => m.enabled && tierAllows(principal.tier, m.minTier))
        .map((m) => ({ id: m.id, object: 'model' as const, created: 0, owned_by: m.provider })),
    };
  }
}
