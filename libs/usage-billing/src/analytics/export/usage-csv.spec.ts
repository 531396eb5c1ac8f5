import type { UsageRequestView } from '../queries/usage-request.view';
import { csvField, microsToDollars, usageCsvHeader, usageCsvLine, usageExportChunks } from './usage-csv';

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

  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'])('guards %j against formula injection', (v) => {
    expect(csvField(v)).toMatch(/^"?'/);
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
