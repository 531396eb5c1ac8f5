import type { Knex } from 'knex';
import type { ConsumedMessage, MessageConsumer, RelayLogger } from '@gw/messaging';
import { type LagoClient } from './lago-client';
import { markForwarded, pendingForwards, recordLedgerEvents, type LedgerEvent } from './billing-store';
import { ledgerEffect, MalformedUsageError, parseEnvelope } from './usage-ledger';

/** The relay's logger, plus debug (pino has it) for the expected informational types. */
export type BillingLogger = RelayLogger & {
  debug?(context: Readonly<Record<string, unknown>>, message: string): void;
};

export interface BillingConsumerOptions {
  readonly db: Knex;
  readonly consumer: MessageConsumer;
  readonly logger: BillingLogger;
  /** Forward usage to Lago; absent: ledger only. */
  readonly lago?: LagoClient;
  readonly backoff?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
}

class StoppedError extends Error {
  override readonly name = 'BillingConsumerStopped';
}

/**
 * Consumes switchyard.usage.v1 into the per-user ledger, once per event id, and forwards usage to Lago.
 *
 * Per batch: one transaction records the new event ids and adds their deltas (a duplicate changes
 * nothing); then every pending Lago forward is sent (retried with backoff while Lago answers 5xx/429 or
 * is unreachable; transaction_id = event id, so a resend after a crash is deduped by Lago); only then
 * does the batch's offset commit. A message that is not a usage envelope is logged and passed over
 * (retrying cannot fix it); a type without ledger effect (informational, or one this consumer does
 * not know) is passed over without being recorded. Usage and corrections go to Lago; credits do not.
 */
export class BillingConsumer {
  private readonly abort = new AbortController();
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(private readonly options: BillingConsumerOptions) {
    this.initialDelayMs = options.backoff?.initialDelayMs ?? 200;
    this.maxDelayMs = options.backoff?.maxDelayMs ?? 30_000;
  }

  async start(): Promise<void> {
    // Forwards left pending by a previous run (a crash after the ledger write) go out first.
    await this.forwardPending();
    await this.options.consumer.run({
      handle: (batch) => this.handle(batch),
      onError: (error) =>
        this.options.logger.error(
          { error: `${error.name}: ${error.message}` },
          'billing batch failed; redelivering',
        ),
    });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.options.consumer.stop();
  }

  /** One batch of one partition: ledger first, then Lago, then (by resolving) the offset. */
  async handle(batch: readonly ConsumedMessage[]): Promise<void> {
    const events: LedgerEvent[] = [];
    for (const message of batch) {
      const envelope = parseEnvelope(message.value);
      const where = { topic: message.topic, partition: message.partition, offset: message.offset };
      if (envelope instanceof MalformedUsageError) {
        this.options.logger.error({ ...where, error: envelope.message }, 'not a usage message; passed over');
        continue;
      }
      try {
        const effect = ledgerEffect(envelope, this.options.lago?.metricCode ?? null);
        if (effect.kind === 'ledger') {
          events.push({
            message,
            envelope: envelope as LedgerEvent['envelope'],
            delta: effect.delta,
            lago: effect.lago,
          });
        } else if (effect.kind === 'informational') {
          this.options.logger.debug?.(
            { ...where, type: envelope.type },
            'informational event without ledger effect; passed over',
          );
        } else {
          this.options.logger.info(
            { ...where, type: envelope.type },
            'event type without ledger effect; passed over',
          );
        }
      } catch (error) {
        if (!(error instanceof MalformedUsageError)) throw error;
        this.options.logger.error(
          { ...where, eventId: envelope.eventId, error: error.message },
          'malformed usage event; passed over',
        );
      }
    }
    await recordLedgerEvents(this.options.db, events);
    await this.forwardPending();
  }

  private async forwardPending(): Promise<void> {
    const lago = this.options.lago;
    if (!lago) return;
    for (;;) {
      const pending = await pendingForwards(this.options.db);
      if (pending.length === 0) return;
      for (const forward of pending)
        await this.forward(lago, forward.eventId, forward.lagoEvent, forward.attempts);
    }
  }

  private async forward(
    lago: LagoClient,
    eventId: string,
    event: Parameters<LagoClient['send']>[0],
    previousAttempts: number,
  ): Promise<void> {
    for (let attempt = previousAttempts + 1; ; attempt++) {
      if (this.abort.signal.aborted) throw new StoppedError('stopped');
      const outcome = await lago.send(event, this.abort.signal);
      if (outcome.kind === 'sent')
        return markForwarded(this.options.db, eventId, { status: 'sent' }, attempt);
      if (outcome.kind === 'rejected') {
        this.options.logger.error(
          { eventId, status: outcome.status, code: outcome.reason },
          'Lago refused the usage event; recorded as rejected',
        );
        return markForwarded(
          this.options.db,
          eventId,
          { status: 'rejected', error: `${outcome.status} ${outcome.reason}` },
          attempt,
        );
      }
      const delayMs = Math.min(
        this.maxDelayMs,
        this.initialDelayMs * 2 ** Math.min(attempt - previousAttempts - 1, 30),
      );
      this.options.logger.warn(
        { eventId, attempt, delayMs, reason: outcome.reason },
        'Lago unavailable; retrying',
      );
      await this.sleep(delayMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    const signal = this.abort.signal;
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new StoppedError('stopped'));
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new StoppedError('stopped'));
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
