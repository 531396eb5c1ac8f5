import type { ServerResponse } from 'node:http';
import {
  UpstreamError,
  type ChatCompletionChunk,
  type CompletionUsage as ChatCompletionUsage,
} from '@gw/providers';
import type { FallbackTriggered } from '@gw/routing';
import type { BudgetHold } from '../../billing/budget-gate';
import type { Attempted } from '../fallback-walk';
import type { RoutePlan } from '../route-planner';
import { usageToCount } from '../usage-accounting';
import type { ChatCall, ChatDeps } from './chat-call';
import { settleAndRecordAnswer } from './record.step';
import { answerHeaders, moneyOf, observeAnswer } from './respond.step';
import { countAnswer, estimateUsage, recordHealthy } from './settle.step';
import type { StepTimer } from './step-timer';

/**
 * The respond step of a stream, from its first chunk to its end: the chunks are piped to the client
 * as OpenAI SSE while the upstream sends them; then the answer is counted and its charge settled
 * (settle), its events written (record: in strict mode before `data: [DONE]`), and the stream ends
 * with the usage chunk when asked for and `[DONE]`, or with an error event. The respond step's time
 * is the piping and the ending, without the settle and record between them.
 */
export async function pipeStream(
  deps: ChatDeps,
  call: ChatCall,
  plan: RoutePlan,
  attempted: Attempted,
  fallbacks: FallbackTriggered['data'][],
  res: ServerResponse,
  first: ChatCompletionChunk,
  iterator: AsyncIterator<ChatCompletionChunk>,
  started: number,
  hold: BudgetHold | undefined,
  steps: StepTimer,
): Promise<void> {
  const { model } = attempted;
  const ttft = performance.now() - started;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    ...answerHeaders(deps.context, call, attempted, fallbacks, hold),
  });
  const includeUsage = call.dto.stream_options?.include_usage === true;
  let reported: ChatCompletionUsage | undefined;
  let usageChunk: ChatCompletionChunk | undefined;
  let text = '';
  let finishReason: string | null = null;
  let interrupted: UpstreamError | undefined;
  const { transcript } = call;
  const send = (sse: string): void => {
    transcript?.push(sse);
    res.write(sse);
  };
  const forward = (chunk: ChatCompletionChunk): void => {
    if (chunk.usage) {
      reported = chunk.usage;
      if (chunk.choices.length === 0) {
        usageChunk = chunk; // sent last, just before [DONE], and only when asked for
        return;
      }
    }
    for (const choice of chunk.choices) {
      if (choice.delta?.content) text += choice.delta.content;
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }
    const { usage: _usage, ...rest } = chunk;
    if (!res.destroyed) send(`data: ${JSON.stringify({ ...rest, model: model.id })}\n\n`);
  };
  try {
    forward(first);
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) forward(next.value);
  } catch (e) {
    interrupted =
      e instanceof UpstreamError
        ? e
        : new UpstreamError({
            kind: 'stream_interrupted',
            providerSlug: model.provider,
            upstreamMessage: 'the stream was interrupted',
          });
  }
  const pipedMs = steps.split();
  const clientGone = call.signal.aborted;
  const { usage, estimated, clamped } = usageToCount(reported, () => estimateUsage(call, model, text));
  const counted = countAnswer(deps.context, call, plan, attempted, usage, clamped);
  const latencyMs = performance.now() - started;
  const outcome = interrupted || clientGone ? 'interrupted' : 'completed';
  if (outcome === 'completed') recordHealthy(deps.context, plan, attempted, latencyMs);
  else if (!clientGone)
    deps.context.health.recordFailure(model.provider, interrupted?.kind ?? 'stream_interrupted', undefined, {
      credential: attempted.candidate.credential,
      trial: plan.panic,
    });
  try {
    await settleAndRecordAnswer(
      deps,
      call,
      plan,
      attempted,
      fallbacks,
      counted,
      { estimated, clamped, latencyMs, ttft, streamed: true, finishReason, outcome },
      hold,
      steps,
    );
  } catch {
    if (!res.destroyed) {
      res.end(
        `data: ${JSON.stringify({ error: { message: 'The answer could not be recorded, so it is incomplete. Retry the request.', type: 'api_error', code: 'usage_not_recorded', param: null } })}\n\n`,
      );
    }
    return;
  }
  observeAnswer(deps.metrics, plan, attempted, outcome, true, latencyMs, ttft, null, counted);
  deps.logger.info(
    {
      requestId: call.requestId,
      path: '/v1/chat/completions',
      status: 200,
      stream: true,
      outcome,
      provider: model.provider,
      ms: Math.round(latencyMs * 1000) / 1000,
    },
    'request',
  );
  if (res.destroyed) {
    // The client went away: nothing more to write.
  } else if (interrupted) {
    const body = {
      error: {
        message: `The upstream stream failed: ${interrupted.kind}`,
        type: 'api_error',
        code: 'upstream_stream_interrupted',
        param: null,
      },
    };
    res.end(`data: ${JSON.stringify(body)}\n\n`);
  } else {
    if (includeUsage) {
      const chunk = usageChunk ?? {
        id: first.id,
        object: 'chat.completion.chunk',
        created: first.created,
        model: model.id,
        choices: [],
      };
      send(`data: ${JSON.stringify({ ...chunk, model: model.id, usage, switchyard: moneyOf(counted) })}\n\n`);
    }
    transcript?.push('data: [DONE]\n\n');
    res.end('data: [DONE]\n\n');
  }
  steps.lap('respond', pipedMs);
}
