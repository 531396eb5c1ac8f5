import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Knex } from 'knex';
import { KNEX } from '@gw/database';
import {
  factPage,
  toUsageRequestView,
  type RequestCursor,
  type UsageRequestView,
} from '../usage-request.view';
import type { UsageRange, UsageScope } from '../usage-range';
import { ExportUsageQuery, type UsageExport } from './export-usage.query';

export const EXPORT_PAGE = 1000;

/**
 * Keyset pages of EXPORT_PAGE facts, each its own short statement: memory stays at one page however
 * long the range, and no connection or transaction is held while the client reads slowly (PGlite has
 * a single connection that the hot path's appends need too).
 */
async function* exportRows(
  knex: Knex,
  scope: UsageScope,
  range: UsageRange,
): AsyncGenerator<UsageRequestView> {
  let cursor: RequestCursor | null = null;
  for (;;) {
    const rows = await factPage(knex, scope, range, 'asc', cursor, EXPORT_PAGE);
    for (const row of rows) yield toUsageRequestView(row);
    if (rows.length < EXPORT_PAGE) return;
    const last = toUsageRequestView(rows[rows.length - 1]!);
    cursor = { occurredAt: last.occurredAt, requestId: last.requestId };
  }
}

@QueryHandler(ExportUsageQuery)
export class ExportUsageHandler implements IQueryHandler<ExportUsageQuery> {
  constructor(@Inject(KNEX) private readonly knex: Knex) {}

  execute({ scope, range }: ExportUsageQuery): Promise<UsageExport> {
    return Promise.resolve({ rows: exportRows(this.knex, scope, range) });
  }
}
