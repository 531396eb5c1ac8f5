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
import type { UsageExportFile } from '../../portal/usage/usage-api';
import { breakdownOf, seriesOf } from '../../portal/usage/usage-test-data';
import { AdminUsageStore, TOP_SPENDERS } from './admin-usage-store';
import { adminSummaryOf, byUserOf, spender } from './admin-usage-test-data';

const NOW = new Date('2026-12-06T23:10:30.000Z');
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('AdminUsageStore', () => {
  let store: AdminUsageStore;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
        AdminUsageStore,
      ],
    });
    store = TestBed.inject(AdminUsageStore);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  const one = (path: string): TestRequest => http.expectOne((r) => r.url === `/api/v1/admin/usage/${path}`);

  it('asks the admin endpoints for every user at once, top spenders with a limit', async () => {
    store.choose({ preset: '7d' }, NOW);
    const users = one('by-user');
    expect(users.request.params.get('limit')).toBe(String(TOP_SPENDERS));
    expect(users.request.params.get('from')).toBe('2026-11-30T00:00:00.000Z');
    expect(users.request.params.has('userId')).toBe(false);
    users.flush(byUserOf([spender('u1', 'Ada', '2000000', '1500000')]));
    one('timeseries').flush(seriesOf(3));
    one('by-power-level').flush(breakdownOf('powerLevel', 3));
    one('by-model').flush(breakdownOf('model', 3));
    one('by-provider').flush(breakdownOf('provider', 3));
    one('summary').flush(adminSummaryOf(3, '2000000', '1500000'));
    await settle();
    expect(store.loading()).toBe(false);
    expect(store.dashboard()?.summary.providerCostMicros).toBe('1500000');
    expect(store.byUser()?.data[0]?.marginMicros).toBe('500000');
    expect(store.series()?.data).toHaveLength(1);
    expect(store.empty()).toBe(false);
  });

  it('fails only the part whose query failed, and drops answers of an older range', async () => {
    store.choose({ preset: '7d' }, NOW);
    store.choose({ preset: '30d' }, NOW);
    const of = (path: string, from: string): TestRequest =>
      http.expectOne((r) => r.url === `/api/v1/admin/usage/${path}` && r.params.get('from') === from);
    const OLD = '2026-11-30T00:00:00.000Z';
    const NEW = '2026-11-07T00:00:00.000Z';
    of('by-user', NEW).flush(
      { type: 'about:blank', title: 'Boom', status: 500, code: 'INTERNAL', correlationId: 'c-1' },
      { status: 500, statusText: 'Server Error', headers: { 'content-type': 'application/problem+json' } },
    );
    of('by-user', OLD).flush(byUserOf([spender('old', 'Old', '1', '1')]));
    of('summary', NEW).flush(adminSummaryOf(1, '10', '5'));
    of('summary', OLD).flush(adminSummaryOf(9, '10', '5'));
    for (const from of [NEW, OLD]) {
      of('by-provider', from).flush(breakdownOf('provider', 1));
      of('by-model', from).flush(breakdownOf('model', 1));
      of('by-power-level', from).flush(breakdownOf('powerLevel', 1));
      of('timeseries', from).flush(seriesOf(1));
    }
    await settle();
    expect(store.byUser()).toBeNull();
    expect(store.byUserFailure()?.status).toBe(500);
    expect(store.dashboard()?.summary.requests).toBe(1);
    expect(store.error()).toBeNull();
  });

  it('exports every user’s requests and saves the file under the gateway’s name', async () => {
    store.choose({ preset: '24h' }, NOW);
    for (const r of http.match(() => true)) r.flush({});
    let saved: UsageExportFile | null = null;
    const done = store.exportUsage('csv', (f) => (saved = f));
    const req = one('export');
    expect(req.request.params.get('format')).toBe('csv');
    expect(store.exporting()).toBe('csv');
    req.flush(new Blob(['request_id\r\n']), {
      headers: { 'content-disposition': 'attachment; filename="usage-20261206T0000-20261207T0000.csv"' },
    });
    await done;
    expect(saved!.filename).toBe('usage-20261206T0000-20261207T0000.csv');
    expect(store.exportStatus()).toEqual({
      ok: true,
      text: 'Downloaded usage-20261206T0000-20261207T0000.csv.',
    });
    expect(store.exporting()).toBeNull();
  });
});
