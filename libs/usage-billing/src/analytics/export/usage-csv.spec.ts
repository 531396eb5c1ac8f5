import type { UsageRequestView } from '../queries/usage-request.view';
import {
  csvField,
  microsToDollars,
  USAGE_CSV_COLUMNS,
  usageCsvHeader,
  usageCsvLine,
  usageExportChunks,
} from './usage-csv';

/** RFC 4180: one CRLF-terminated line into its fields, quotes undone. */
function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    let cell = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error(`unterminated quote in ${JSON.stringify(line)}`);
        cell += line.slice(i, q);
        i = q + 1;
        if (line[i] !== '"') break;
        cell += '"';
        i++;
      }
    } else {
      const end = line.slice(i).search(/,|\r\n$/);
      cell = line.slice(i, i + end);
      i += end;
    }
    cells.push(cell);
    if (line[i] === ',') i++;
    else if (line.slice(i) === '\r\n') return cells;
    else throw new Error(`unexpected ${JSON.stringify(line.slice(i))} after a cell`);
  }
}

const row: UsageRequestView = {
  requestId: 'r1',
  occurredAt: '2026-11-05T10:15:00.000Z',
  userId: 'u1',
  provider: 'mock-a',
  model: '=HYPERLINK("http://x","y")',
  powerLevel: 'eco',
  keySource: 'platform',
  outcome: 'completed',
  attempts: 1,
  streamed: false,
  promptTokens: 10,
  completionTokens: 20,
  cachedTokens: 0,
  cacheWriteTokens: 0,
  totalTokens: 30,
  estimated: false,
  providerCostMicros: '1234567',
  chargedMicros: '5',
  latencyMs: 12,
  timeToFirstTokenMs: null,
  finishReason: 'stop, then "more"\r\nnext',
  failureReason: null,
  explanationUrl: '/api/v1/requests/r1',
};

async function collect(it: AsyncIterable<string>): Promise<string> {
  let s = '';
  for await (const c of it) s += c;
  return s;
}

async function* rows(...r: UsageRequestView[]): AsyncGenerator<UsageRequestView> {
  for (const x of r) yield x;
}

describe('usage CSV', () => {
  it('formats micro-dollars as exact dollars', () => {
    expect(microsToDollars('1234567')).toBe('1.234567');
    expect(microsToDollars('5')).toBe('0.000005');
    expect(microsToDollars(9007199254740993n)).toBe('9007199254.740993');
    expect(microsToDollars('-1')).toBe('-0.000001');
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ['\tx', `"'\tx"`],
    ['\rx', `"'\rx"`],
    ['\n=1+1', `"'\n=1+1"`],
    [' =1+1', "' =1+1"],
    ['\uFF1D1+1', "'\uFF1D1+1"],
    ['\uFF0B1', "'\uFF0B1"],
    ['\uFF0D1', "'\uFF0D1"],
    ['\uFF20SUM(A1)', "'\uFF20SUM(A1)"],
  ])('text %j is written %j: a leading quote, so no spreadsheet runs it', (v, field) => {
    expect(csvField(v)).toBe(field);
  });

  it.each([
    ['a;b', '"a;b"'],
    ['=1;2', `"'=1;2"`],
    ['a,b', '"a,b"'],
    ['a\tb', '"a\tb"'],
    ['1,5', '"1,5"'],
  ])('%j holds a separator of some locale: quoted as %j', (v, field) => {
    expect(csvField(v)).toBe(field);
  });

  it('number columns keep negative numbers, decimals, booleans and times as they are', () => {
    expect(csvField(-5, 'number')).toBe('-5');
    expect(csvField('-0.000001', 'number')).toBe('-0.000001');
    expect(csvField(false, 'number')).toBe('false');
    expect(csvField('2026-11-05T10:15:00.000Z', 'number')).toBe('2026-11-05T10:15:00.000Z');
    // something else in a number column is text, and guarded as such
    expect(csvField('-1+cmd', 'number')).toBe("'-1+cmd");
    expect(csvField('=1', 'number')).toBe("'=1");
  });

  it('a row whose every text field is an attack: each cell, read back, is inert text or our number', () => {
    const attacks: UsageRequestView = {
      ...row,
      requestId: '=1+1',
      userId: '+SUM(A1:A9)',
      provider: '-2+3',
      model: '@cmd',
      powerLevel: '\t=1',
      // what a tampered read model could hold, whatever the types promise
      keySource: '\r=1' as UsageRequestView['keySource'],
      outcome: 'x;=1' as UsageRequestView['outcome'],
      finishReason: 'a,=1',
      failureReason: '\uFF1DHYPERLINK("http://x")',
      explanationUrl: ' =1',
      attempts: -1,
      providerCostMicros: '-1234567',
      chargedMicros: '-5',
    };
    const cells = parseCsvLine(usageCsvLine(attacks));
    expect(cells).toHaveLength(USAGE_CSV_COLUMNS.length);
    const byHeader = Object.fromEntries(USAGE_CSV_COLUMNS.map(([h], i) => [h, cells[i]]));
    expect(byHeader).toEqual({
      request_id: "'=1+1",
      occurred_at: '2026-11-05T10:15:00.000Z',
      user_id: "'+SUM(A1:A9)",
      provider: "'-2+3",
      model: "'@cmd",
      power_level: "'\t=1",
      key_source: "'\r=1",
      outcome: 'x;=1' as UsageRequestView['outcome'],
      attempts: '-1',
      streamed: 'false',
      prompt_tokens: '10',
      completion_tokens: '20',
      cached_tokens: '0',
      cache_write_tokens: '0',
      total_tokens: '30',
      estimated: 'false',
      provider_cost_micros: '-1234567',
      provider_cost_usd: '-1.234567',
      charged_micros: '-5',
      charged_usd: '-0.000005',
      latency_ms: '12',
      time_to_first_token_ms: '',
      finish_reason: 'a,=1',
      failure_reason: '\'\uFF1DHYPERLINK("http://x")',
      explanation_url: "' =1",
    });
    // every text cell that could start a formula starts with the quote; no number cell does
    for (const [header, cell] of Object.entries(byHeader))
      if (/^[ ]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20\t\r\n]/.test(cell!))
        expect([header, cell, /^-\d+(\.\d+)?$/.test(cell!)]).toEqual([header, cell, true]);
  });

  it('quotes commas, quotes, line breaks and edge spaces; leaves plain text and our numbers alone', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('a\nb')).toBe('"a\nb"');
    expect(csvField(' a')).toBe('" a"');
    expect(csvField('plain')).toBe('plain');
    expect(csvField('-5', 'number')).toBe('-5');
    expect(csvField(null)).toBe('');
  });

  it('writes a header and one CRLF-terminated line per request', () => {
    expect(usageCsvHeader()).toMatch(
      /^request_id,occurred_at,.*,charged_micros,charged_usd,.*explanation_url\r\n$/,
    );
    const line = usageCsvLine(row);
    expect(line.endsWith('\r\n')).toBe(true);
    expect(line).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(line).toContain(',1234567,1.234567,5,0.000005,12,,');
    expect(line).toContain('"stop, then ""more""\r\nnext"');
  });

  it('streams CSV with a byte order mark, and JSON as one array', async () => {
    const csv = await collect(usageExportChunks(rows(row, row), 'csv'));
    expect(csv.startsWith('\uFEFFrequest_id,')).toBe(true);
    expect(csv.split('\r\n').length).toBeGreaterThan(3);
    expect(JSON.parse(await collect(usageExportChunks(rows(row, row), 'json')))).toEqual([row, row]);
    expect(JSON.parse(await collect(usageExportChunks(rows(), 'json')))).toEqual([]);
  });
});
