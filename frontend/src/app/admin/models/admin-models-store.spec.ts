import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { ApiError } from '../../core/http/api-error';
import { problemInterceptor } from '../../core/http/interceptors';
import { AdminModelsApi } from './admin-models-api';
import { aModel, aVersion, MODELS, PROVIDERS } from './admin-models-fixtures';
import { AdminModelsStore } from './admin-models-store';

describe('AdminModelsStore', () => {
  let store: AdminModelsStore;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
        AdminModelsApi,
        AdminModelsStore,
      ],
    });
    store = TestBed.inject(AdminModelsStore);
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  const load = async (): Promise<void> => {
    const done = store.load();
    http.expectOne('/api/v1/admin/models').flush({ data: MODELS });
    http.expectOne('/api/v1/admin/providers').flush({ data: [...PROVIDERS].reverse() });
    await done;
  };

  it('loads the models and the providers (by name), sorted by provider then name', async () => {
    await load();
    expect(store.loading()).toBe(false);
    expect(store.providers().map((p) => p.slug)).toEqual(['acme', 'zeta']);
    expect(store.rows().map((m) => m.id)).toEqual(['acme/pebble', 'acme/rocket-1', 'zeta/meta/big-70b']);
    expect(store.providerNames().get('zeta')).toBe('Zeta Cloud');
  });

  it('filters and sorts the rows; an empty sort direction restores the default order', async () => {
    await load();
    store.setFilters({ status: 'enabled' });
    store.setSort('input', 'desc');
    expect(store.rows().map((m) => m.id)).toEqual(['zeta/meta/big-70b', 'acme/rocket-1']);
    store.setSort('input', '');
    store.clearFilters();
    expect(store.rows()).toHaveLength(3);
    expect(store.sort().column).toBe('provider');
  });

  it('shows a load failure as an ApiError with its code', async () => {
    const done = store.load();
    http
      .expectOne('/api/v1/admin/models')
      .flush(
        { code: 'AUTH.FORBIDDEN', title: 'Forbidden', detail: 'Admins only', status: 403 },
        { status: 403, statusText: 'Forbidden' },
      );
    http.expectOne('/api/v1/admin/providers').flush({ data: [] });
    await done;
    expect(store.error()).toBeInstanceOf(ApiError);
    expect(store.error()?.code).toBe('AUTH.FORBIDDEN');
  });

  it('adds a model to the list', async () => {
    await load();
    const added = aModel({ id: 'zeta/new', provider: 'zeta', model: 'new', displayName: 'New' });
    const done = store.add({
      provider: 'zeta',
      model: 'new',
      prices: { inputPerMillionMicros: '1', outputPerMillionMicros: '2' },
      contextWindow: 1000,
      maxOutputTokens: 100,
    });
    const req = http.expectOne('/api/v1/admin/models');
    expect(req.request.method).toBe('POST');
    req.flush(added, { status: 201, statusText: 'Created' });
    await done;
    expect(store.models().map((m) => m.id)).toContain('zeta/new');
  });

  it('changes a model whose id holds a slash through %2F, marking it busy meanwhile', async () => {
    await load();
    const big = MODELS[2]!;
    const done = store.setEnabled(big, false);
    expect(store.busy().has(big.id)).toBe(true);
    const req = http.expectOne('/api/v1/admin/models/zeta/meta%2Fbig-70b');
    expect(req.request.method).toBe('PUT');
    expect(req.request.body).toEqual({ enabled: false });
    req.flush({ ...big, enabled: false, routable: false });
    await done;
    expect(store.busy().size).toBe(0);
    expect(store.models().find((m) => m.id === big.id)?.enabled).toBe(false);
  });

  it('deprecates without a replacement (null, as the API wants it)', async () => {
    await load();
    const rocket = MODELS[0]!;
    const done = store.deprecate(rocket, null);
    const req = http.expectOne('/api/v1/admin/models/acme/rocket-1');
    expect(req.request.body).toEqual({ deprecated: { replacement: null } });
    req.flush({ ...rocket, deprecated: { replacement: null, at: '2026-12-07T00:00:00.000Z' } });
    await done;
    expect(store.models()[0]!.deprecated).not.toBeNull();
  });

  it('reads a model’s price versions', async () => {
    const versions = [aVersion(1, '2500000', '2026-12-01T00:00:00.000Z')];
    const done = store.priceVersions(MODELS[2]!);
    http.expectOne('/api/v1/admin/models/zeta/meta%2Fbig-70b/prices').flush({ data: versions });
    expect(await done).toEqual(versions);
  });
});
