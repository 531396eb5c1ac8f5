import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { problemInterceptor } from '../../core/http/interceptors';
import { aProvider, aReport, aSummary } from './providers-fixtures';
import { describeTest, ProvidersStore } from './providers-store';

describe('ProvidersStore', () => {
  let store: ProvidersStore;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
        ProvidersStore,
      ],
    });
    store = TestBed.inject(ProvidersStore);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  const load = async (): Promise<void> => {
    const done = store.load();
    http.expectOne('/api/v1/admin/providers').flush({
      data: [aProvider(), aProvider({ slug: 'beta', name: 'Beta' }), aProvider({ slug: 'zed', name: 'Zed' })],
    });
    http
      .expectOne('/api/v1/admin/providers/health?window=24h')
      .flush(aReport([aSummary(), aSummary({ provider: 'zed', name: 'Zed', status: 'down' })]));
    await done;
  };

  it('joins each provider with its health, the down and degraded first', async () => {
    await load();
    expect(store.loading()).toBe(false);
    expect(store.rows().map((r) => [r.provider.slug, r.health?.status ?? null])).toEqual([
      ['zed', 'down'],
      ['acme', 'healthy'],
      ['beta', null],
    ]);
    expect(store.counts()).toEqual({ healthy: 1, degraded: 0, down: 1 });
  });

  it('a failed health report leaves the providers listed and says why', async () => {
    const done = store.load();
    http.expectOne('/api/v1/admin/providers').flush({ data: [aProvider()] });
    http
      .expectOne('/api/v1/admin/providers/health?window=24h')
      .flush(
        { status: 503, code: 'HEALTH.UNAVAILABLE', detail: 'Not yet.' },
        { status: 503, statusText: 'x' },
      );
    await done;
    expect(store.error()).toBeNull();
    expect(store.rows()).toHaveLength(1);
    expect(store.rows()[0].health).toBeNull();
    expect(store.healthError()?.code).toBe('HEALTH.UNAVAILABLE');
  });

  it('a failed provider list is the page’s error', async () => {
    const done = store.load();
    http
      .expectOne('/api/v1/admin/providers')
      .flush(
        { status: 403, code: 'AUTH.FORBIDDEN', detail: 'Admins only.' },
        { status: 403, statusText: 'x' },
      );
    http.expectOne('/api/v1/admin/providers/health?window=24h').flush(aReport());
    await done;
    expect(store.error()?.code).toBe('AUTH.FORBIDDEN');
  });

  it('switches the window and reloads only the health', async () => {
    await load();
    const switched = store.setWindow('1h');
    http
      .expectOne('/api/v1/admin/providers/health?window=1h')
      .flush(aReport([aSummary({ status: 'degraded' })]));
    await switched;
    expect(store.window()).toBe('1h');
    expect(store.counts()).toEqual({ healthy: 0, degraded: 1, down: 0 });
  });

  it('registers a provider and lists it', async () => {
    await load();
    const body = {
      slug: 'new-one',
      name: 'New one',
      kind: 'openai-compatible' as const,
      baseUrl: 'http://127.0.0.1:9/v1',
      allowedPaidParams: [],
    };
    const added = store.register(body);
    const req = http.expectOne('/api/v1/admin/providers');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual(body);
    req.flush(aProvider({ slug: 'new-one', name: 'New one', platformKey: null, status: 'needs_key' }));
    await added;
    expect(store.rows().map((r) => r.provider.slug)).toContain('new-one');
  });

  it('disables a provider with PUT {enabled:false}, busy meanwhile', async () => {
    await load();
    const done = store.setEnabled('acme', false);
    expect(store.busy().has('acme')).toBe(true);
    const req = http.expectOne('/api/v1/admin/providers/acme');
    expect(req.request.method).toBe('PUT');
    expect(req.request.body).toEqual({ enabled: false });
    req.flush(aProvider({ enabled: false, status: 'disabled' }));
    await done;
    expect(store.busy().has('acme')).toBe(false);
    expect(store.rows().find((r) => r.provider.slug === 'acme')?.provider.status).toBe('disabled');
  });
});

describe('describeTest', () => {
  it('says what worked and which catalog models the provider does not list', () => {
    expect(
      describeTest({
        ok: true,
        latencyMs: 12.4,
        status: 200,
        modelsListed: 3,
        catalogModelsNotListed: ['acme/old'],
      }),
    ).toBe(
      'Connection works: HTTP 200 in 12 ms; the provider lists 3 models. Not listed by the provider: acme/old.',
    );
  });

  it('names the failure, its status and the provider’s message', () => {
    expect(
      describeTest({
        ok: false,
        latencyMs: 30,
        error: { kind: 'auth', status: 401, message: 'Incorrect API key' },
      }),
    ).toBe('The provider refused the key (HTTP 401) after 30 ms: Incorrect API key');
  });
});
