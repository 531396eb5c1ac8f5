import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import request from 'supertest';
import { describeBackends } from '@gw/database/testing';
import { toRequestStreamId, type UsageRecorded } from '@gw/routing';
import { eventually, itIf } from '@gw/shared-kernel/testing';
import { hasSpreadsheet, openInSpreadsheet, type SheetCell } from './support/spreadsheet';
import { startTestGateway, type TestGateway } from './support/test-gateway';

type Usage = UsageRecorded['data'];
type Json = Record<string, unknown>;

/** A small RFC 4180 reader: quoted fields with "" escapes and line breaks inside, CRLF records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else if (c === '\n' || c === '\r') throw new Error(`bare line break at ${i}`);
    else field += c;
  }
  if (field !== '' || record.length > 0) throw new Error('last record is not terminated by CRLF');
  return records;
}

const sum = (xs: readonly Usage[], f: (u: Usage) => number | bigint): bigint =>
  xs.reduce((a, u) => a + BigInt(f(u)), 0n);

/** What the summary and breakdown endpoints must say about these UsageRecorded events. */
const expectedTotals = (xs: readonly Usage[]): Json => ({
  requests: xs.length,
  failedRequests: 0,
  promptTokens: Number(sum(xs, (u) => u.promptTokens)),
  completionTokens: Number(sum(xs, (u) => u.completionTokens)),
  cachedTokens: Number(sum(xs, (u) => u.cachedTokens)),
  providerCostMicros: sum(xs, (u) => BigInt(u.providerCostMicros)).toString(),
  chargedMicros: sum(xs, (u) => BigInt(u.chargedMicros)).toString(),
  fallbackRequests: xs.filter((u) => u.attempts > 1).length,
});

const groupBy = <K extends string>(xs: readonly Usage[], key: (u: Usage) => K): Map<K, Usage[]> => {
  const m = new Map<K, Usage[]>();
  for (const u of xs) m.set(key(u), [...(m.get(key(u)) ?? []), u]);
  return m;
};

const SPREADSHEET_SKIP =
  'LibreOffice is not installed (apt-get install libreoffice-calc-nogui): the CSV export is not opened in Calc';

const ENDPOINTS = [
  'summary',
  'by-provider',
  'by-model',
  'by-power-level',
  'timeseries',
  'requests',
  'export',
];

describeBackends('usage analytics endpoints', (backend) => {
  let gw: TestGateway;
  let other: { id: string; apiKey: string };
  const mine: Usage[] = [];
  const theirs: Usage[] = [];
  const crafted: Usage[] = [];
  const craftedUser = `csv-${randomUUID()}`;

  const as = (key: string) => ({
    get: (path: string) => request(gw.baseUrl).get(path).set('authorization', `Bearer ${key}`),
  });
  const me = () => as(gw.userKey);
  const admin = () => as(gw.adminKey);

  async function chat(key: string, stream: boolean, into: Usage[]): Promise<void> {
    const client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: key, maxRetries: 0 });
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
      { role: 'user', content: `Hello ${randomUUID()}` },
    ];
    let id: string;
    if (stream) {
      const { data, response } = await client.chat.completions
        .create({ model: 'auto', messages, stream: true, stream_options: { include_usage: true } })
        .withResponse();
      for await (const _chunk of data) void _chunk;
      id = response.headers.get('x-switchyard-request-id')!;
    } else {
      const { response } = await client.chat.completions.create({ model: 'auto', messages }).withResponse();
      id = response.headers.get('x-switchyard-request-id')!;
    }
    const events = await gw.gateway.runtime.eventStore.readStream(toRequestStreamId(id));
    const usage = events.find((e) => e.type === 'UsageRecorded');
    if (!usage) throw new Error(`no UsageRecorded for ${id}`);
    into.push(usage.data as Usage);
  }

  beforeAll(async () => {
    gw = await startTestGateway(backend);
    const created = await request(gw.baseUrl)
      .post('/api/v1/admin/users')
      .set('authorization', `Bearer ${gw.adminKey}`)
      .send({ name: `Other ${randomUUID().slice(0, 8)}`, tier: 'professional' })
      .expect(201);
    const key = await request(gw.baseUrl)
      .post(`/api/v1/admin/users/${created.body.id}/api-keys`)
      .set('authorization', `Bearer ${gw.adminKey}`)
      .send({ name: 'analytics' })
      .expect(201);
    other = { id: created.body.id as string, apiKey: key.body.apiKey as string };
    for (const stream of [false, true, false, true, false]) await chat(gw.userKey, stream, mine);
    for (const stream of [false, true, false]) await chat(other.apiKey, stream, theirs);
    // A request whose text cells a spreadsheet would run as formulas (written as the event it would be).
    const requestId = randomUUID();
    const data: Usage = {
      ...mine[0]!,
      requestId,
      userId: craftedUser,
      modelId: '=HYPERLINK("http://evil.example","café ✓, "x"")',
      finishReason: '@SUM(1+1)',
      providerCostMicros: '1234567',
      chargedMicros: '2345678',
    };
    await gw.gateway.runtime.eventStore.append({
      streamId: toRequestStreamId(requestId),
      events: [
        {
          id: randomUUID(),
          type: 'UsageRecorded',
          version: 1,
          data,
          metadata: { correlationId: requestId, actorId: craftedUser },
          occurredAt: new Date(),
        },
      ],
    });
    crafted.push(data);
    await gw.waitForProjections();
    await eventually(
      async () => {
        const res = await admin().get('/api/v1/admin/usage/summary');
        return res.body.requests === mine.length + theirs.length + crafted.length ? res.body : undefined;
      },
      20_000,
      'every request in the admin summary',
    );
  });
  afterAll(() => gw?.close());

  it('the summary counts exactly what was sent, with key-source shares and averages', async () => {
    const res = await me().get('/api/v1/me/usage/summary').expect(200);
    expect(res.body).toMatchObject({ ...expectedTotals(mine), userId: gw.userId, failureRate: 0 });
    expect(res.body.fallbackRate).toBe(mine.filter((u) => u.attempts > 1).length / mine.length);
    const platform = mine.filter((u) => u.keySource === 'platform');
    expect(res.body.platform).toMatchObject({
      ...expectedTotals(platform),
      shareOfRequests: platform.length / mine.length,
    });
    expect(res.body.byok.requests + res.body.platform.requests).toBe(mine.length);
    const latency = mine.reduce((a, u) => a + u.latencyMs, 0) / mine.length;
    expect(res.body.avgLatencyMs).toBeCloseTo(latency, 0);
    const ttfts = mine.flatMap((u) => (u.timeToFirstTokenMs === null ? [] : [u.timeToFirstTokenMs]));
    if (ttfts.length > 0)
      expect(res.body.avgTimeToFirstTokenMs).toBeCloseTo(ttfts.reduce((a, b) => a + b, 0) / ttfts.length, 0);
    else expect(res.body.avgTimeToFirstTokenMs).toBeNull();
    expect(Date.parse(res.body.to) - Date.parse(res.body.from)).toBe(30 * 86_400_000);
  });

  it('GET /api/v1/me/usage keeps working', async () => {
    const res = await me().get('/api/v1/me/usage').expect(200);
    expect(res.body).toMatchObject({ requests: mine.length, costMicros: expectedTotals(mine).chargedMicros });
  });

  it('by provider, by model and by power level add up to what was sent', async () => {
    const cases = [
      ['by-provider', (u: Usage) => u.provider, (i: Json) => String(i.provider)],
      [
        'by-model',
        (u: Usage) => `${u.provider}/${u.modelId}`,
        (i: Json) => `${String(i.provider)}/${String(i.model)}`,
      ],
      ['by-power-level', (u: Usage) => u.powerLevel, (i: Json) => String(i.powerLevel)],
    ] as const;
    for (const [path, key, itemKey] of cases) {
      const res = await me().get(`/api/v1/me/usage/${path}`).expect(200);
      const groups = groupBy(mine, key);
      expect(res.body.data).toHaveLength(groups.size);
      for (const item of res.body.data as Json[])
        expect(item).toMatchObject(expectedTotals(groups.get(itemKey(item))!));
    }
  });

  it('the timeseries buckets by day and by hour (UTC)', async () => {
    for (const bucket of ['day', 'hour'] as const) {
      const res = await me().get(`/api/v1/me/usage/timeseries?bucket=${bucket}`).expect(200);
      expect(res.body.bucket).toBe(bucket);
      const total = (res.body.data as Json[]).reduce((a, b) => a + Number(b.requests), 0);
      expect(total).toBe(mine.length);
      for (const b of res.body.data as Json[])
        expect(String(b.bucket)).toMatch(
          bucket === 'day' ? /^\d{4}-\d{2}-\d{2}$/ : /^\d{4}-\d{2}-\d{2}T\d{2}:00:00Z$/,
        );
    }
  });

  it('lists requests newest first in pages without duplicates or gaps, each linked to its explanation', async () => {
    const seen: Json[] = [];
    let cursor: string | null = null;
    do {
      const res = await me()
        .get(`/api/v1/me/usage/requests?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        .expect(200);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...(res.body.data as Json[]));
      cursor = res.body.nextCursor as string | null;
    } while (cursor);
    expect(seen.map((r) => r.requestId).sort()).toEqual(mine.map((u) => u.requestId).sort());
    const times = seen.map((r) => String(r.occurredAt));
    expect([...times].sort().reverse()).toEqual(times);
    const first = seen[0]!;
    expect(first.explanationUrl).toBe(`/api/v1/requests/${String(first.requestId)}`);
    const explanation = await me().get(String(first.explanationUrl)).expect(200);
    expect(JSON.stringify(explanation.body)).toContain(String(first.requestId));
  });

  it('a user never sees another user’s usage', async () => {
    const them = as(other.apiKey);
    const summary = await them.get('/api/v1/me/usage/summary').expect(200);
    expect(summary.body).toMatchObject({ ...expectedTotals(theirs), userId: other.id });
    const page = await them.get('/api/v1/me/usage/requests?limit=100').expect(200);
    expect((page.body.data as Json[]).map((r) => r.requestId).sort()).toEqual(
      theirs.map((u) => u.requestId).sort(),
    );
    const csv = await them.get('/api/v1/me/usage/export?format=csv').expect(200);
    for (const u of mine) expect(csv.text).not.toContain(u.requestId);
    // userId is an admin parameter: a user cannot ask for someone else's with it
    await them.get(`/api/v1/me/usage/summary?userId=${gw.userId}`).expect(400);
  });

  it('admins see every user together and one user with userId', async () => {
    const all = await admin().get('/api/v1/admin/usage/summary').expect(200);
    expect(all.body).toMatchObject({ ...expectedTotals([...mine, ...theirs, ...crafted]), userId: null });
    const one = await admin().get(`/api/v1/admin/usage/summary?userId=${other.id}`).expect(200);
    expect(one.body).toMatchObject({ ...expectedTotals(theirs), userId: other.id });
    const byModel = await admin().get(`/api/v1/admin/usage/by-model?userId=${gw.userId}`).expect(200);
    expect((byModel.body.data as Json[]).reduce((a, i) => a + Number(i.requests), 0)).toBe(mine.length);
    const pages = await admin().get('/api/v1/admin/usage/requests?limit=100').expect(200);
    expect(pages.body.data).toHaveLength(mine.length + theirs.length + crafted.length);
    const series = await admin()
      .get(`/api/v1/admin/usage/timeseries?bucket=hour&userId=${other.id}`)
      .expect(200);
    expect((series.body.data as Json[]).reduce((a, b) => a + Number(b.requests), 0)).toBe(theirs.length);
    await admin().get('/api/v1/admin/usage/summary?userId=*').expect(400);
    for (const path of ['by-provider', 'by-power-level'])
      await admin().get(`/api/v1/admin/usage/${path}`).expect(200);
  });

  it('exports CSV a spreadsheet opens safely, and the same rows as JSON', async () => {
    const res = await me().get('/api/v1/me/usage/export?format=csv').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="usage-.*\.csv"$/);
    expect(res.text.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = parseCsv(res.text.slice(1));
    expect(header).toEqual(
      expect.arrayContaining(['request_id', 'charged_micros', 'charged_usd', 'explanation_url']),
    );
    expect(rows).toHaveLength(mine.length);
    const col = (name: string): number => header!.indexOf(name);
    for (const u of mine) {
      const row = rows.find((r) => r[col('request_id')] === u.requestId)!;
      expect(row[col('prompt_tokens')]).toBe(String(u.promptTokens));
      expect(row[col('charged_micros')]).toBe(u.chargedMicros);
      expect(Number(row[col('charged_usd')])).toBeCloseTo(Number(u.chargedMicros) / 1e6, 6);
    }
    const json = await me().get('/api/v1/me/usage/export?format=json').expect(200);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect((json.body as Json[]).map((r) => r.requestId)).toEqual(rows.map((r) => r[col('request_id')]));

    const evil = await admin().get(`/api/v1/admin/usage/export?userId=${craftedUser}`).expect(200);
    const [h, row] = parseCsv(evil.text.slice(1));
    expect(row![h!.indexOf('model')]).toBe(`'=HYPERLINK("http://evil.example","café ✓, "x"")`);
    expect(row![h!.indexOf('finish_reason')]).toBe(`'@SUM(1+1)`);
    expect(row![h!.indexOf('provider_cost_usd')]).toBe('1.234567');
    expect(row![h!.indexOf('charged_micros')]).toBe('2345678');
  });

  // The CSV columns Calc must read as numbers, and as TRUE/FALSE; every other cell must be the text.
  const NUMBER_COLUMNS = new Set([
    'attempts',
    'prompt_tokens',
    'completion_tokens',
    'cached_tokens',
    'cache_write_tokens',
    'total_tokens',
    'provider_cost_micros',
    'provider_cost_usd',
    'charged_micros',
    'charged_usd',
    'latency_ms',
    'time_to_first_token_ms',
  ]);
  const BOOLEAN_COLUMNS = new Set(['streamed', 'estimated']);
  const expectSheetMatches = (sheet: SheetCell[][], csv: string[][]): void => {
    expect(sheet).toHaveLength(csv.length);
    const header = csv[0]!;
    expect(sheet[0]!.map((c) => c.text)).toEqual(header); // no byte-order mark left in the first cell
    csv.slice(1).forEach((record, r) => {
      const cells = sheet[r + 1]!;
      expect(cells).toHaveLength(header.length);
      record.forEach((field, i) => {
        const cell = cells[i]!;
        const where = `row ${r + 1}, ${header[i]}`;
        if (field === '') expect({ where, ...cell }).toEqual({ where, text: '', number: null });
        else if (NUMBER_COLUMNS.has(header[i]!))
          expect({ where, value: cell.number }).toEqual({ where, value: Number(field) });
        else if (BOOLEAN_COLUMNS.has(header[i]!))
          expect({ where, text: cell.text.toLowerCase() }).toEqual({ where, text: field });
        else expect({ where, ...cell }).toEqual({ where, text: field, number: null });
      });
    });
  };

  // The file is the same on either backend: it is opened once, on the PGlite run.
  const inCalc = backend === 'pglite' ? itIf(hasSpreadsheet(), SPREADSHEET_SKIP) : undefined;
  inCalc?.(
    'the CSV export opens in LibreOffice Calc: columns, UTF-8, numbers as numbers, no formula run',
    async () => {
      const mine = await me().get('/api/v1/me/usage/export?format=csv').expect(200);
      const evil = await admin().get(`/api/v1/admin/usage/export?userId=${craftedUser}`).expect(200);
      for (const res of [mine, evil]) {
        const body = Buffer.from(res.text, 'utf8');
        expectSheetMatches(await openInSpreadsheet(body), parseCsv(res.text.slice(1)));
      }
      const [header, row] = await openInSpreadsheet(Buffer.from(evil.text, 'utf8'));
      const cell = (name: string): SheetCell => row![header!.findIndex((c) => c.text === name)]!;
      expect(cell('model')).toEqual({
        text: `'=HYPERLINK("http://evil.example","café ✓, "x"")`,
        number: null,
      });
      expect(cell('finish_reason')).toEqual({ text: `'@SUM(1+1)`, number: null });
      expect(cell('charged_usd').number).toBe(2.345678);
      // The control: a cell starting with = and no guard is run as a formula by the same import.
      const [, control] = await openInSpreadsheet('a,b\r\n=1+1,"=SUM(2,2)"\r\n');
      expect(control!.map((c) => c.number)).toEqual([2, 4]);
    },
    180_000,
  );

  it.each([
    ['from=yesterday', 'from'],
    ['to=2026-02-30', 'to'],
    ['from=2026-11-02&to=2026-11-01', 'from'],
    ['from=2020-01-01&to=2026-01-01', 'from'],
  ])('?%s is a 400 naming %s', async (query, param) => {
    const res = await me().get(`/api/v1/me/usage/summary?${query}`).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toMatch(new RegExp(`^${param} `));
  });

  it('rejects bad bucket, limit, cursor, format and unknown parameters', async () => {
    for (const path of [
      'timeseries?bucket=week',
      'timeseries?bucket=hour&from=2026-01-01&to=2026-03-01',
      'requests?limit=0',
      'requests?limit=101',
      'requests?limit=ten',
      'requests?cursor=not-a-cursor',
      'export?format=xlsx',
      'summary?form=2026-01-01',
    ]) {
      const res = await me().get(`/api/v1/me/usage/${path}`);
      expect([path, res.status, res.headers['content-type']]).toEqual([
        path,
        400,
        expect.stringMatching(/problem\+json/),
      ]);
    }
  });

  it('admin routes are 403 for users, and every route needs a key', async () => {
    for (const path of ENDPOINTS) {
      await me().get(`/api/v1/admin/usage/${path}`).expect(403);
      await request(gw.baseUrl).get(`/api/v1/me/usage/${path}`).expect(401);
    }
  });

  it('is in the OpenAPI document', async () => {
    const doc = await request(gw.baseUrl).get('/api/docs/openapi.json').expect(200);
    const paths = Object.keys(doc.body.paths as Json);
    for (const path of ENDPOINTS)
      expect(paths).toEqual(
        expect.arrayContaining([`/api/v1/me/usage/${path}`, `/api/v1/admin/usage/${path}`]),
      );
  });
});
