import { provideHttpClient, withInterceptors } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
  type TestRequest,
} from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { problemInterceptor } from '../../core/http/interceptors';
import type { UsageExportFile } from './usage-api';
import { UsageStore } from './usage-store';
import { breakdownOf, byKeyOf, forecastOf, pageOf, requestRow, seriesOf, summaryOf } from './usage-test-data';

const NOW = new Date('2026-12-06T23:10:30.000Z');
const FROM = '2026-11-30T00:00:00.000Z';
const TO = '2026-12-07T00:00:00.000Z';
const readText = (blob: Blob): Promise<string> =>
  new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('UsageStore', () => {
  let store: UsageStore;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
        UsageStore,
      ],
    });
    store = TestBed.inject(UsageStore);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  const one = (path: string): TestRequest => http.expectOne((r) => r.url === `/api/v1/me/usage/${path}`);

  /** Answers every query of a load (in an order the store must not depend on). */
  const answerAll = (requests: number, ids: readonly string[] = []): void => {
    one('forecast').flush(forecastOf());
    one('requests').flush(pageOf(ids, ids.length ? 'c1' : null));
    one('timeseries').flush(seriesOf(requests));
    one('by-key').flush(byKeyOf(requests));
    one('by-power-level').flush(breakdownOf('powerLevel', requests));
    one('by-model').flush(breakdownOf('model', requests));
    one('by-provider').flush(breakdownOf('provider', requests));
    one('summary').flush(summaryOf(requests));
  };

  it('issues every query of the range at once, before any answer arrives', async () => {
    store.load(NOW);
    const pending = http.match(() => true);
    expect(pending.map((r) => r.request.url).sort()).toEqual(
      [
        'by-key',
        'by-model',
        'by-power-level',
        'by-provider',
        'forecast',
        'requests',
        'summary',
        'timeseries',
      ].map((p) => `/api/v1/me/usage/${p}`),
    );
    for (const r of pending.filter((p) => !p.request.url.endsWith('forecast'))) {
      expect(r.request.params.get('from')).toBe(FROM);
      expect(r.request.params.get('to')).toBe(TO);
    }
    const requests = pending.find((r) => r.request.url.endsWith('/requests'))!;
    expect(requests.request.params.get('limit')).toBe('50');
    expect(requests.request.params.has('cursor')).toBe(false);
    expect(pending.find((r) => r.request.url.endsWith('timeseries'))!.request.params.get('bucket')).toBe(
      'hour',
    );
    expect(store.loading()).toBe(true);

    pending.find((r) => r.request.url.endsWith('forecast'))!.flush(forecastOf());
    pending.find((r) => r.request.url.endsWith('/requests'))!.flush(pageOf(['a']));
    pending.find((r) => r.request.url.endsWith('timeseries'))!.flush(seriesOf(3));
    pending.find((r) => r.request.url.endsWith('by-key'))!.flush(byKeyOf(3));
    pending.find((r) => r.request.url.endsWith('by-power-level'))!.flush(breakdownOf('powerLevel', 3));
    pending.find((r) => r.request.url.endsWith('by-model'))!.flush(breakdownOf('model', 3));
    pending.find((r) => r.request.url.endsWith('by-provider'))!.flush(breakdownOf('provider', 3));
    pending.find((r) => r.request.url.endsWith('summary'))!.flush(summaryOf(3));
    await settle();

    expect(store.loading()).toBe(false);
    expect(store.dashboard()?.summary.requests).toBe(3);
    expect(store.dashboard()?.models.data[0]?.model).toBe('swift-mini');
    expect(store.byKey()?.rows[0]?.label).toBe('CI key');
    expect(store.series()?.data).toHaveLength(1);
    expect(store.requests().map((r) => r.requestId)).toEqual(['a']);
    expect(store.forecast()?.forecastMonthEndMicros).toBe('12000000');
    expect(store.empty()).toBe(false);
  });

  it('says the range is empty when the summary counts no request', async () => {
    store.load(NOW);
    answerAll(0);
    await settle();
    expect(store.empty()).toBe(true);
    expect(store.requests()).toEqual([]);
    expect(store.hasMoreRequests()).toBe(false);
  });

  it('keeps the dashboard when only the share by key fails', async () => {
    store.load(NOW);
    one('by-key').flush(
      { type: 'about:blank', title: 'Not Found', status: 404, code: 'NOT_FOUND' },
      { status: 404, statusText: 'Not Found' },
    );
    one('forecast').flush(forecastOf());
    one('requests').flush(pageOf([]));
    one('timeseries').flush(seriesOf(2));
    one('by-power-level').flush(breakdownOf('powerLevel', 2));
    one('by-model').flush(breakdownOf('model', 2));
    one('by-provider').flush(breakdownOf('provider', 2));
    one('summary').flush(summaryOf(2));
    await settle();
    expect(store.error()).toBeNull();
    expect(store.dashboard()?.summary.requests).toBe(2);
    expect(store.byKey()).toBeNull();
    expect(store.byKeyError()?.status).toBe(404);
  });

  it('shows a failing summary as the dashboard error, with its status', async () => {
    store.load(NOW);
    one('summary').flush(
      { title: 'The gateway failed', status: 500, code: 'INTERNAL', correlationId: 'req-1' },
      { status: 500, statusText: 'Server Error' },
    );
    one('by-provider').flush(breakdownOf('provider', 1));
    one('by-model').flush(breakdownOf('model', 1));
    one('by-power-level').flush(breakdownOf('powerLevel', 1));
    one('by-key').flush(byKeyOf(1));
    one('timeseries').flush(seriesOf(1));
    one('requests').flush(pageOf(['a']));
    one('forecast').flush(forecastOf());
    await settle();
    expect(store.dashboard()).toBeNull();
    expect(store.error()?.status).toBe(500);
    expect(store.error()?.correlationId).toBe('req-1');
    expect(store.loading()).toBe(false);
  });

  it('pages the request table with the cursor and appends the next page', async () => {
    store.load(NOW);
    answerAll(3, ['a', 'b']);
    await settle();
    expect(store.hasMoreRequests()).toBe(true);

    const more = store.loadMoreRequests();
    const next = one('requests');
    expect(next.request.params.get('cursor')).toBe('c1');
    expect(next.request.params.get('limit')).toBe('50');
    next.flush(pageOf(['c'], null));
    await more;
    expect(store.requests().map((r) => r.requestId)).toEqual(['a', 'b', 'c']);
    expect(store.hasMoreRequests()).toBe(false);
  });

  it('drops the answers of a range that was replaced before they arrived', async () => {
    store.load(NOW);
    const old = http.match(() => true);
    store.choose({ preset: '24h' }, NOW);
    answerAll(5, ['new']);
    for (const r of old) {
      if (r.request.url.endsWith('summary')) r.flush(summaryOf(999));
      else if (r.request.url.endsWith('/requests')) r.flush(pageOf(['old']));
      else r.flush({ rows: [], data: [] });
    }
    await settle();
    expect(store.dashboard()?.summary.requests).toBe(5);
    expect(store.requests().map((r) => r.requestId)).toEqual(['new']);
    expect(store.range()?.query.from).toBe('2026-12-06T00:00:00.000Z');
  });

  it('fetches only the time series again when the bucket changes', async () => {
    store.choose({ preset: '30d' }, NOW);
    expect(store.bucket()).toBe('day');
    answerAll(1, ['a']);
    await settle();
    store.setBucket('hour');
    const series = one('timeseries');
    expect(series.request.params.get('bucket')).toBe('hour');
    http.expectNone((r) => !r.url.endsWith('timeseries'));
    series.flush({ ...seriesOf(1), bucket: 'hour' });
    await settle();
    expect(store.series()?.bucket).toBe('hour');
  });

  it('does not ask for hourly buckets over more than 31 days', async () => {
    store.choose({ preset: 'custom', customFrom: '2026-01-01', customTo: '2026-06-30' }, NOW);
    answerAll(1);
    await settle();
    store.setBucket('hour');
    http.expectNone(() => true);
    expect(store.bucket()).toBe('day');
  });

  it('exports the range as a Blob with the chosen format and saves it under the gateway’s file name', async () => {
    store.load(NOW);
    answerAll(1, ['a']);
    await settle();
    const saved: UsageExportFile[] = [];
    const done = store.exportUsage('json', (f) => saved.push(f));
    expect(store.exporting()).toBe('json');
    const req = one('export');
    expect(req.request.responseType).toBe('blob');
    expect(req.request.params.get('format')).toBe('json');
    expect(req.request.params.get('from')).toBe(FROM);
    req.flush(new Blob([JSON.stringify([requestRow('a')])], { type: 'application/json' }), {
      headers: { 'content-disposition': 'attachment; filename="usage-20261129T231030-20261206T231030.json"' },
    });
    await done;
    expect(saved).toHaveLength(1);
    expect(saved[0]!.filename).toBe('usage-20261129T231030-20261206T231030.json');
    expect(JSON.parse(await readText(saved[0]!.blob))[0].requestId).toBe('a');
    expect(store.exporting()).toBeNull();
    expect(store.exportStatus()).toEqual({
      ok: true,
      text: 'Downloaded usage-20261129T231030-20261206T231030.json.',
    });
  });

  it('reports a failed export without saving anything', async () => {
    store.load(NOW);
    answerAll(1);
    await settle();
    const saved: UsageExportFile[] = [];
    const done = store.exportUsage('csv', (f) => saved.push(f));
    one('export').flush(new Blob(['{}']), { status: 503, statusText: 'Unavailable' });
    await done;
    expect(saved).toEqual([]);
    expect(store.exportStatus()?.ok).toBe(false);
    expect(store.exportStatus()?.text).toMatch(/^Export failed/);
  });
});
