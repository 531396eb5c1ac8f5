import type { UsageRequestView } from '../queries/usage-request.view';

/** Micro-dollars as dollars with six decimals, exactly (no float): 1234567 → "1.234567". */
export function microsToDollars(micros: string | bigint): string {
  const v = BigInt(micros);
  const sign = v < 0n ? '-' : '';
  const abs = v < 0n ? -v : v;
  return `${sign}${abs / 1_000_000n}.${(abs % 1_000_000n).toString().padStart(6, '0')}`;
}

/**
 * Text a spreadsheet could run as a formula (or DDE) if it opened the cell as is, in any locale: a
 * leading = + - @ (and their full-width forms, which some locales' spreadsheets accept), tab, CR or
 * LF, also after leading spaces (some importers trim them).
 */
const FORMULA_START = /^[ ]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20\t\r\n]/;

/** What we write in number columns: integers, decimals, booleans and ISO 8601 times. */
const OUR_NUMBER = /^(-?\d+(\.\d+)?|true|false|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z)$/;

/**
 * One RFC 4180 field. Text from users or upstreams (ids, model names, reasons) is `text`: one that
 * could start a formula gets a ' in front (OWASP CSV injection). A field is quoted when it holds a
 * quote, a line break, edge spaces, or a separator of any locale (`,` here, `;` where the decimal
 * mark is a comma, tab when pasted), so no spreadsheet splits it into cells of its own. Numbers we format ourselves
 * are `number` and never get the ', so a spreadsheet still reads -5 as minus five; a `number` value
 * that is not one of ours is guarded as text.
 */
export function csvField(value: string | number | boolean | null, kind: 'text' | 'number' = 'text'): string {
  if (value === null) return '';
  let s = String(value);
  if ((kind === 'text' || !OUR_NUMBER.test(s)) && FORMULA_START.test(s)) s = `'${s}`;
  return /[",;\t\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

type Column = readonly [header: string, cell: (r: UsageRequestView) => string];

const text =
  (get: (r: UsageRequestView) => string | null): Column[1] =>
  (r) =>
    csvField(get(r));
const num =
  (get: (r: UsageRequestView) => string | number | boolean | null): Column[1] =>
  (r) =>
    csvField(get(r), 'number');

export const USAGE_CSV_COLUMNS: readonly Column[] = [
  ['request_id', text((r) => r.requestId)],
  ['occurred_at', num((r) => r.occurredAt)],
  ['user_id', text((r) => r.userId)],
  ['provider', text((r) => r.provider)],
  ['model', text((r) => r.model)],
  ['power_level', text((r) => r.powerLevel)],
  ['key_source', text((r) => r.keySource)],
  ['outcome', text((r) => r.outcome)],
  ['attempts', num((r) => r.attempts)],
  ['streamed', num((r) => r.streamed)],
  ['prompt_tokens', num((r) => r.promptTokens)],
  ['completion_tokens', num((r) => r.completionTokens)],
  ['cached_tokens', num((r) => r.cachedTokens)],
  ['cache_write_tokens', num((r) => r.cacheWriteTokens)],
  ['total_tokens', num((r) => r.totalTokens)],
  ['estimated', num((r) => r.estimated)],
  ['provider_cost_micros', num((r) => r.providerCostMicros)],
  ['provider_cost_usd', num((r) => microsToDollars(r.providerCostMicros))],
  ['charged_micros', num((r) => r.chargedMicros)],
  ['charged_usd', num((r) => microsToDollars(r.chargedMicros))],
  ['latency_ms', num((r) => r.latencyMs)],
  ['time_to_first_token_ms', num((r) => r.timeToFirstTokenMs)],
  ['finish_reason', text((r) => r.finishReason)],
  ['failure_reason', text((r) => r.failureReason)],
  ['explanation_url', text((r) => r.explanationUrl)],
];

const CRLF = '\r\n';

export const usageCsvHeader = (): string => USAGE_CSV_COLUMNS.map(([h]) => h).join(',') + CRLF;
export const usageCsvLine = (r: UsageRequestView): string =>
  USAGE_CSV_COLUMNS.map(([, cell]) => cell(r)).join(',') + CRLF;

/**
 * The export as text chunks, row by row: a UTF-8 byte order mark (so spreadsheets read the file as
 * UTF-8), the header, one CRLF-terminated line per request. `json` streams one JSON array.
 */
export async function* usageExportChunks(
  rows: AsyncIterable<UsageRequestView>,
  format: 'csv' | 'json',
): AsyncGenerator<string> {
  if (format === 'csv') {
    yield `\uFEFF${usageCsvHeader()}`;
    for await (const r of rows) yield usageCsvLine(r);
    return;
  }
  yield '[';
  let first = true;
  for await (const r of rows) {
    yield `${first ? '' : ','}\n${JSON.stringify(r)}`;
    first = false;
  }
  yield '\n]\n';
}
