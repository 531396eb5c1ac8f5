import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { problemInterceptor } from '../../core/http/interceptors';
import { policyView, previewView, whatIfJob } from './routing-fixtures';
import { RoutingStore } from './routing-store';
import { WhatIfStore } from './what-if-store';

const WHAT_IF = '/api/v1/admin/routing/what-if';
const NOW = new Date('2026-12-07T10:00:00.000Z');
const isPreview = (r: { url: string }): boolean => r.url === '/api/v1/admin/routing/preview';

describe('WhatIfStore', () => {
  let routing: RoutingStore;
  let store: WhatIfStore;
  let http: HttpTestingController;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
        RoutingStore,
        WhatIfStore,
      ],
    });
    routing = TestBed.inject(RoutingStore);
    routing.previewDelayMs = 0;
    store = TestBed.inject(WhatIfStore);
    store.pollMs = 0;
    http = TestBed.inject(HttpTestingController);
    const loading = routing.load();
    http.expectOne('/api/v1/admin/routing/policy').flush(policyView(2), { headers: { etag: '"2"' } });
    (await vi.waitFor(() => http.expectOne('/api/v1/admin/routing/policy/history'))).flush([]);
    (await vi.waitFor(() => http.expectOne(isPreview))).flush(previewView());
    await loading;
  });

  afterEach(() => http.verify());

  const nextPreview = async (): Promise<void> =>
    (await vi.waitFor(() => http.expectOne(isPreview))).flush(previewView());

  it('posts the draft with the range and switches; a quick answer is the result', async () => {
    routing.setPreferenceBonus(0.2);
    await nextPreview();
    store.setRange({ preset: '7d' });
    store.setPowerLevel('eco');
    store.setCatalogNow(true);
    const running = store.run(NOW);
    expect(store.running()).toBe(true);
    const post = http.expectOne({ method: 'POST', url: WHAT_IF });
    expect(post.request.body).toMatchObject({
      from: '2026-11-30T10:00:00.000Z',
      to: '2026-12-07T10:00:00.000Z',
      powerLevel: 'eco',
      catalog: 'now',
      policy: { preferenceBonus: 0.2, maxAttempts: 3 },
    });
    post.flush(whatIfJob('done'));
    await running;
    expect(store.running()).toBe(false);
    expect(store.result()?.changed.model).toBe(40);
    expect(store.stale()).toBe(false);
  });

  it('polls a long job until it is done, then says when the draft has changed since', async () => {
    const running = store.run(NOW);
    http
      .expectOne({ method: 'POST', url: WHAT_IF })
      .flush(whatIfJob('running', 10, 4000), { status: 202, statusText: 'Accepted' });
    await running;
    expect(store.running()).toBe(true);
    expect(store.job()?.percent).toBe(10);
    (await vi.waitFor(() => http.expectOne({ method: 'GET', url: `${WHAT_IF}/job-1` }))).flush(
      whatIfJob('running', 60, 24000),
    );
    (await vi.waitFor(() => http.expectOne({ method: 'GET', url: `${WHAT_IF}/job-1` }))).flush(
      whatIfJob('done'),
    );
    await vi.waitFor(() => expect(store.running()).toBe(false));
    expect(store.result()?.requests).toBe(40);
    routing.setMaxAttempts(5);
    expect(store.stale()).toBe(true);
    await nextPreview();
  });

  it('cancels a running job with DELETE and stops polling', async () => {
    const running = store.run(NOW);
    http
      .expectOne({ method: 'POST', url: WHAT_IF })
      .flush(whatIfJob('running', 10, 4000), { status: 202, statusText: 'Accepted' });
    await running;
    const cancelling = store.cancel();
    http.expectOne({ method: 'DELETE', url: `${WHAT_IF}/job-1` }).flush(whatIfJob('cancelled', 10, 4000));
    await cancelling;
    expect(store.running()).toBe(false);
    expect(store.job()?.status).toBe('cancelled');
    expect(store.result()).toBeNull();
    http.expectNone({ method: 'GET', url: `${WHAT_IF}/job-1` });
  });

  it('shows a refusal and sends nothing for custom dates that cannot run', async () => {
    store.setRange({ preset: 'custom', customFrom: '2026-12-05' });
    await store.run(NOW);
    expect(store.problem()).toBe('Enter both dates.');
    http.expectNone({ method: 'POST', url: WHAT_IF });

    store.setRange({ preset: '30d' });
    const running = store.run(NOW);
    http.expectOne({ method: 'POST', url: WHAT_IF }).flush(
      {
        type: 'about:blank',
        title: 'rate_limit_error',
        status: 429,
        detail: 'Two what-if jobs are running already; wait for one to finish or cancel it.',
        code: 'WHAT_IF.TOO_MANY_JOBS',
        correlationId: 'c-1',
      },
      {
        status: 429,
        statusText: 'Too Many Requests',
        headers: { 'content-type': 'application/problem+json' },
      },
    );
    await running;
    expect(store.error()?.code).toBe('WHAT_IF.TOO_MANY_JOBS');
    expect(store.running()).toBe(false);
  });
});
