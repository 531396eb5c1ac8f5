import type { Knex } from 'knex';
import type { ConsumedMessage, IntegrationEnvelope } from '@gw/messaging';
import { addDeltas, LEDGER_DELTA_FIELDS, ZERO_DELTA, type LagoEvent, type LedgerDelta } from './usage-ledger';

export const BILLING_PROCESSED_EVENTS_TABLE = 'billing_processed_events';
export const BILLING_LEDGER_TABLE = 'billing_ledger';

/** One consumed ledger event, ready to be recorded. */
export interface LedgerEvent {
  readonly message: ConsumedMessage;
  readonly envelope: IntegrationEnvelope & { readonly userId: string };
  readonly delta: LedgerDelta;
  readonly lago: LagoEvent | null;
}

/** One user's totals: how many events, and every delta field summed (bigint). */
export type LedgerRow = { readonly userId: string; readonly events: bigint } & LedgerDelta;

/** billing_ledger's column for each delta field. */
const COLUMNS: Readonly<Record<keyof LedgerDelta, string>> = {
  requests: 'requests',
  promptTokens: 'prompt_tokens',
  completionTokens: 'completion_tokens',
  cachedTokens: 'cached_tokens',
  providerCostMicros: 'provider_cost_micros',
  chargedMicros: 'charged_micros',
  corrections: 'corrections',
  grants: 'grants',
  grantedMicros: 'granted_micros',
  purchases: 'purchases',
  paidMicros: 'paid_micros',
};

export interface PendingForward {
  readonly eventId: string;
  readonly lagoEvent: LagoEvent;
  readonly attempts: number;
}

/**
 * Records events once (by event id) and adds their deltas to the per-user ledger, in one transaction
 * per batch. Returns the ids it recorded now; duplicates (redelivery, replay) are left out.
 */
export async function recordLedgerEvents(db: Knex, events: readonly LedgerEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  return db.transaction(async (trx) => {
    const recorded: string[] = [];
    const deltas = new Map<string, { delta: LedgerDelta; events: bigint }>();
    for (const { message, envelope, delta, lago } of events) {
      const inserted = await trx(BILLING_PROCESSED_EVENTS_TABLE)
        .insert({
          event_id: envelope.eventId,
          event_type: envelope.type,
          user_id: envelope.userId,
          topic: message.topic,
          kafka_partition: message.partition,
          kafka_offset: message.offset,
          occurred_at: envelope.occurredAt,
          lago_status: lago ? 'pending' : null,
          lago_event: lago ? JSON.stringify(lago) : null,
        })
        .onConflict('event_id')
        .ignore()
        .returning('event_id');
      if (inserted.length === 0) continue;
      recorded.push(envelope.eventId);
      const sum = deltas.get(envelope.userId) ?? { delta: ZERO_DELTA, events: 0n };
      deltas.set(envelope.userId, { delta: addDeltas(sum.delta, delta), events: sum.events + 1n });
    }
    for (const [userId, { delta, events: count }] of deltas) {
      const row: Record<string, string> = { user_id: userId, events: count.toString() };
      for (const field of LEDGER_DELTA_FIELDS) row[COLUMNS[field]] = delta[field].toString();
      const columns = Object.keys(row).filter((c) => c !== 'user_id');
      await trx.raw(
        `insert into ?? (${['user_id', ...columns].map(() => '??').join(', ')})
           values (${['user_id', ...columns].map(() => '?').join(', ')})
         on conflict (user_id) do update set
           ${columns.map(() => '?? = ??.?? + excluded.??').join(', ')}, updated_at = now()`,
        [
          BILLING_LEDGER_TABLE,
          'user_id',
          ...columns,
          ...['user_id', ...columns].map((c) => row[c]),
          ...columns.flatMap((c) => [c, BILLING_LEDGER_TABLE, c, c]),
        ],
      );
    }
    return recorded;
  });
}

/** Every user's ledger row, ordered by user id (bigint columns read as text, then BigInt). */
export async function readLedger(db: Knex): Promise<LedgerRow[]> {
  const columns = ['events', ...LEDGER_DELTA_FIELDS.map((f) => COLUMNS[f])];
  const result = await db.raw<{ rows: Array<Record<string, string>> }>(
    `select user_id, ${columns.map(() => '??::text as ??').join(', ')} from ?? order by user_id`,
    [...columns.flatMap((c) => [c, c]), BILLING_LEDGER_TABLE],
  );
  return result.rows.map((r) => {
    const totals: Record<keyof LedgerDelta, bigint> = { ...ZERO_DELTA };
    for (const field of LEDGER_DELTA_FIELDS) totals[field] = BigInt(r[COLUMNS[field]]!);
    return { userId: r.user_id!, events: BigInt(r.events!), ...totals };
  });
}

/** Events still to be forwarded to Lago, oldest first. */
export async function pendingForwards(db: Knex, limit = 100): Promise<PendingForward[]> {
  const rows = await db(BILLING_PROCESSED_EVENTS_TABLE)
    .select('event_id', 'lago_event', 'lago_attempts')
    .where('lago_status', 'pending')
    .orderBy([{ column: 'processed_at' }, { column: 'event_id' }])
    .limit(limit);
  return (rows as Array<{ event_id: string; lago_event: unknown; lago_attempts: number }>).map((r) => ({
    eventId: r.event_id,
    lagoEvent: (typeof r.lago_event === 'string' ? JSON.parse(r.lago_event) : r.lago_event) as LagoEvent,
    attempts: r.lago_attempts,
  }));
}

export async function markForwarded(
  db: Knex,
  eventId: string,
  outcome: { status: 'sent' } | { status: 'rejected'; error: string },
  attempts: number,
): Promise<void> {
  await db(BILLING_PROCESSED_EVENTS_TABLE)
    .where('event_id', eventId)
    .update({
      lago_status: outcome.status,
      lago_error: outcome.status === 'rejected' ? outcome.error : null,
      lago_attempts: attempts,
      lago_sent_at: outcome.status === 'sent' ? db.fn.now() : null,
    });
}
