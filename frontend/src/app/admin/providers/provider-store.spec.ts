import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { problemInterceptor } from '../../core/http/interceptors';
import { ProviderStore } from './provider-store';
import { aDetail, aProvider } from './providers-fixtures';

describe('ProviderStore', () => {
  let store: ProviderStore;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
        ProviderStore,
      ],
    });
    store = TestBed.inject(ProviderStore);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  const load = async (): Promise<void> => {
    const done = store.load('acme');
    http.expectOne('/api/v1/admin/providers/acme').flush(aProvider());
    http.expectOne('/api/v1/admin/providers/acme/health?window=24h').flush(aDetail());
    await done;
  };

  it('loads the provider, its health summary, series and timeline (newest first)', async () => {
    await load();
    expect(store.provider()?.name).toBe('Acme AI');
    expect(store.summary()?.status).toBe('healthy');
    expect(store.series()).toHaveLength(24);
    expect(store.timeline().map((c) => c.kind)).toEqual(['recovered', 'degraded']);
  });

  it('an unknown provider is the page’s error', async () => {
    const done = store.load('nope');
    http
      .expectOne('/api/v1/admin/providers/nope')
      .flush(
        { status: 404, code: 'CATALOG.PROVIDER_NOT_FOUND', detail: 'The provider `nope` does not exist.' },
        { status: 404, statusText: 'x' },
      );
    http
      .expectOne('/api/v1/admin/providers/nope/health?window=24h')
      .flush({ status: 404, code: 'CATALOG.PROVIDER_NOT_FOUND' }, { status: 404, statusText: 'x' });
    await done;
    expect(store.error()?.code).toBe('CATALOG.PROVIDER_NOT_FOUND');
  });

  it('switches the window', async () => {
    await load();
    const done = store.setWindow('7d');
    http.expectOne('/api/v1/admin/providers/acme/health?window=7d').flush(aDetail({ window: '7d' }));
    await done;
    expect(store.window()).toBe('7d');
    expect(store.health()?.window).toBe('7d');
  });

  it('tests the connection: success with its latency; a refusal to run becomes a sentence', async () => {
    await load();
    let tested = store.test();
    expect(store.testing()).toBe(true);
    let req = http.expectOne('/api/v1/admin/providers/acme/test');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({});
    req.flush({ ok: true, latencyMs: 8, status: 200, modelsListed: 2, catalogModelsNotListed: [] });
    expect(await tested).toEqual({
      ok: true,
      latencyMs: 8,
      message: 'Connection works: HTTP 200 in 8 ms; the provider lists 2 models.',
    });
    expect(store.testing()).toBe(false);
    expect(store.testOutcome()?.ok).toBe(true);

    tested = store.test();
    req = http.expectOne('/api/v1/admin/providers/acme/test');
    req.flush(
      { status: 409, code: 'CATALOG.NO_PLATFORM_KEY', detail: 'The provider `acme` has no platform key.' },
      { status: 409, statusText: 'x' },
    );
    expect((await tested).message).toBe('The test could not run: The provider `acme` has no platform key.');
  });

  it('tries a key without storing it, replaces and removes the platform key', async () => {
    await load();
    const tried = store.tryKey('sk-new-0123456789');
    const test = http.expectOne('/api/v1/admin/providers/acme/test');
    expect(test.request.body).toEqual({ apiKey: 'sk-new-0123456789' });
    test.flush({ ok: false, latencyMs: 5, error: { kind: 'auth', status: 401, message: 'bad key' } });
    expect((await tried).ok).toBe(false);

    const replaced = store.replaceKey('sk-new-0123456789');
    const put = http.expectOne('/api/v1/admin/providers/acme');
    expect(put.request.method).toBe('PUT');
    expect(put.request.body).toEqual({ apiKey: 'sk-new-0123456789' });
    put.flush(
      aProvider({
        platformKey: { masked: 'sk-…6789', last4: '6789', kekVersion: 1, setAt: '2026-12-07T01:00:00.000Z' },
      }),
    );
    await replaced;
    expect(store.provider()?.platformKey?.masked).toBe('sk-…6789');

    const removed = store.removeKey();
    const del = http.expectOne('/api/v1/admin/providers/acme');
    expect(del.request.body).toEqual({ apiKey: null });
    del.flush(aProvider({ platformKey: null, status: 'needs_key' }));
    await removed;
    expect(store.provider()?.platformKey).toBeNull();
  });

  it('saves only the given settings', async () => {
    await load();
    const saved = store.save({ baseUrl: 'https://eu.acme.test/v1', allowedPaidParams: ['store'] });
    const put = http.expectOne('/api/v1/admin/providers/acme');
    expect(put.request.body).toEqual({ baseUrl: 'https://eu.acme.test/v1', allowedPaidParams: ['store'] });
    put.flush(aProvider({ baseUrl: 'https://eu.acme.test/v1', allowedPaidParams: ['store'] }));
    expect((await saved).baseUrl).toBe('https://eu.acme.test/v1');
  });
});
