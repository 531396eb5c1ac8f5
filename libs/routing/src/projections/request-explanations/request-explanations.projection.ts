import type { Knex } from 'knex';
import { toBigInt } from '@gw/database';
import type { Projection } from '@gw/projections';
import type { RecordedEvent } from '@gw/shared-kernel';
import {
  evolveRequestExplanation,
  isRequestExplanationEvent,
  REQUEST_EXPLANATION_EVENT_TYPES,
  type RequestExplanationRow,
} from './request-explanation.row';
import { REQUEST_EXPLANATIONS_TABLE, type RequestExplanationDbRow } from './request-explanation.table';

type StoredExplanation = Omit<RequestExplanationRow, 'lastPosition'>;

const fromDb = (r: RequestExplanationDbRow): RequestExplanationRow => {
  const stored = (
    typeof r.explanation === 'string' ? JSON.parse(r.explanation) : r.explanation
  ) as StoredExplanation;
  return { ...stored, lastPosition: { commit: toBigInt(r.last_commit), prepare: toBigInt(r.last_prepare) } };
};

const toDb = ({ lastPosition, ...explanation }: RequestExplanationRow) => ({
  request_id: explanation.requestId,
  user_id: explanation.userId,
  explanation: JSON.stringify(explanation),
  last_commit: lastPosition.commit.toString(),
  last_prepare: lastPosition.prepare.toString(),
});

async function apply(trx: Knex.Transaction, events: readonly RecordedEvent[]): Promise<void> {
  const relevant = events.filter(isRequestExplanationEvent);
  if (relevant.length === 0) return;
  const ids = [...new Set(relevant.map((e) => (e.data as { requestId: string }).requestId))];
  const existing = await trx<RequestExplanationDbRow>(REQUEST_EXPLANATIONS_TABLE).whereIn('request_id', ids);
  const rows = new Map<string, RequestExplanationRow | null>(existing.map((r) => [r.request_id, fromDb(r)]));
  for (const e of relevant) {
    const id = (e.data as { requestId: string }).requestId;
    rows.set(id, evolveRequestExplanation(rows.get(id) ?? null, e));
  }
  const changed = [...rows.values()].filter((r): r is RequestExplanationRow => r !== null).map(toDb);
  if (changed.length > 0)
    await trx(REQUEST_EXPLANATIONS_TABLE).insert(changed).onConflict('request_id').merge();
}

/** request_explanations: one row per request, for GET /api/v1/requests/:id. */
export const requestExplanationsProjection: Projection = {
  name: 'request-explanations',
  version: 1,
  tables: [REQUEST_EXPLANATIONS_TABLE],
  handles: REQUEST_EXPLANATION_EVENT_TYPES,
  apply,
};
