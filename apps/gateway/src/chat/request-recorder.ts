import type { Logger } from 'pino';
import { toNewEvents, type GroupCommitWriter } from '@gw/eventstore';
import { initialState, requestDecider, toRequestStreamId, type RecordRequestOutcome } from '@gw/routing';
import type { Durability } from '@gw/platform';
import type { ErrorResponse, HasErrorResponse } from '../errors/error-response';
import type { GatewayMetrics } from '../metrics/gateway-metrics';

const RETRIES = 3;

/**
 * Strict durability: the request's events could not be committed, so its answer is withheld. 503 in
 * OpenAI's error shape (the SDKs retry it); the store's own error stays in the log.
 */
export class UsageNotRecordedError extends Error implements HasErrorResponse {
  constructor(cause: Error) {
    super(`Request events not committed: ${cause.message}`, { cause });
  }
  toErrorResponse(): ErrorResponse {
    return {
      status: 503,
      type: 'api_error',
      code: 'usage_not_recorded',
      message: 'The answer could not be recorded, so it was not delivered. Retry the request.',
      param: null,
    };
  }
}

/**
 * Writes a request's events through group commit. `strict`: the caller awaits the commit before the
 * response ends. `relaxed`: the commit runs after the response; a clean shutdown flushes the writer.
 */
export class RequestRecorder {
  constructor(
    private readonly writer: GroupCommitWriter,
    private readonly durability: Durability,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
  ) {}

  /**
   * Resolves when the events are durable (strict) or at once (relaxed). Rejects, in strict mode only,
   * with a UsageNotRecordedError once the retries are spent.
   */
  record(command: RecordRequestOutcome, now: Date): Promise<void> {
    const { routed } = command.data;
    const events = toNewEvents(
      requestDecider.decide(command, initialState()),
      {
        correlationId: routed.requestId,
        tenantId: routed.userId,
        actorId: routed.userId,
      },
      now,
    );
    const write = this.write(toRequestStreamId(routed.requestId), events);
    if (this.durability === 'strict') return write;
    write.catch(() => undefined);
    return Promise.resolve();
  }

  private async write(streamId: string, events: ReturnType<typeof toNewEvents>): Promise<void> {
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      try {
        await this.writer.append({ streamId, events, expectedRevision: 'no_stream' });
        this.metrics.eventWrites.observe((performance.now() - started) / 1000);
        return;
      } catch (e) {
        const error = e as Error;
        // Idempotent by event id: a retry after an ambiguous failure cannot double-record.
        if (attempt >= RETRIES) {
          this.logger.error(
            { streamId, err: { name: error.name, message: error.message } },
            'could not record request events',
          );
          throw new UsageNotRecordedError(error);
        }
        await new Promise((r) => setTimeout(r, 20 * attempt));
      }
    }
  }
}
