import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { problemInterceptor } from '../../core/http/interceptors';
import { aUser, credits, gatewayKey, providerKey, summary } from './users-fixtures';
import { usageRange, UserStore } from './user-store';

const NOW = new Date('2026-12-07T15:30:00.000Z');

describe('UserStore', () => {
  let store: UserStore;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
        UserStore,
      ],
    });
    store = TestBed.inject(UserStore);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  const base = '/api/v1/admin/users/usr_demo';
  const flushAll = (over: { credits?: unknown; apiKeysStatus?: number } = {}) => {
    http.expectOne(base).flush(aUser());
    http.expectOne(`${base}/credits`).flush(over.credits ?? credits('5000000'));
    http.expectOne((r) => r.url === `${base}/credits/ledger`).flush({ data: [], nextCursor: null });
    http.expectOne(`${base}/keys`).flush({ data: [providerKey] });
    const keys = http.expectOne(`${base}/api-keys`);
    if (over.apiKeysStatus)
      keys.flush(
        { status: over.apiKeysStatus, title: 'Broken', code: 'X' },
        { status: over.apiKeysStatus, statusText: 'x' },
      );
    else keys.flush({ data: [gatewayKey] });
    const s = http.expectOne((r) => r.url === '/api/v1/admin/usage/summary');
    expect(s.request.params.get('userId')).toBe('usr_demo');
    expect(s.request.params.get('from')).toBe('2026-11-08T00:00:00.000Z');
    expect(s.request.params.get('to')).toBe('2026-12-08T00:00:00.000Z');
    s.flush(summary(3));
    const t = http.expectOne((r) => r.url === '/api/v1/admin/usage/timeseries');
    expect(t.request.params.get('bucket')).toBe('day');
    t.flush({ from: 'x', to: 'y', userId: 'usr_demo', bucket: 'day', data: [] });
  };

  it('takes the last 30 UTC days up to the next midnight', () => {
    expect(usageRange(NOW)).toEqual({ from: '2026-11-08T00:00:00.000Z', to: '2026-12-08T00:00:00.000Z' });
  });

  it('loads the user and every section; a failed section fails alone', async () => {
    const done = store.load('usr_demo', NOW);
    flushAll({ apiKeysStatus: 500 });
    await done;
    expect(store.user()?.name).toBe('Demo User');
    expect(store.error()).toBeNull();
    expect(store.credits().value?.balanceMicros).toBe('5000000');
    expect(store.providerKeys().value).toEqual([providerKey]);
    expect(store.apiKeys().error?.status).toBe(500);
    expect(store.usage().value?.summary.requests).toBe(3);
  });

  it('fails the page when the user cannot be read', async () => {
    const done = store.load('usr_demo', NOW);
    http
      .expectOne(base)
      .flush(
        { status: 404, title: 'Not found', code: 'ACCOUNTS.NOT_FOUND' },
        { status: 404, statusText: 'x' },
      );
    for (const r of http.match(() => true))
      r.flush({ status: 404, title: 'Not found' }, { status: 404, statusText: 'x' });
    await done;
    expect(store.error()?.status).toBe(404);
    expect(store.user()).toBeNull();
  });

  it('grants credits with an idempotency key, then shows the new balance', async () => {
    const loaded = store.load('usr_demo', NOW);
    flushAll();
    await loaded;
    const granted = store.grantCredits('5000000', 'support', 'portal-1');
    const req = http.expectOne(`${base}/credits`);
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ amountMicros: '5000000', reason: 'support' });
    expect(req.request.headers.get('Idempotency-Key')).toBe('portal-1');
    req.flush({ grantId: 'grant_portal-1', userId: 'usr_demo', amountMicros: '5000000', granted: true });
    await vi.waitFor(() => http.expectOne(`${base}/credits`).flush(credits('10000000')));
    // The ledger projection is a moment behind: asked again until the grant is in it.
    http.expectOne((r) => r.url === `${base}/credits/ledger`).flush({ data: [], nextCursor: null });
    const entry = {
      id: 'e1',
      at: '2026-12-07T15:31:00.000Z',
      kind: 'admin',
      amountMicros: '5000000',
      reference: 'grant_portal-1',
      description: 'support',
      explanationUrl: null,
    };
    await vi.waitFor(() => http.expectOne(`${base}/credits`).flush(credits('10000000')));
    http.expectOne((r) => r.url === `${base}/credits/ledger`).flush({ data: [entry], nextCursor: null });
    expect((await granted).granted).toBe(true);
    expect(store.credits().value?.balanceMicros).toBe('10000000');
    expect(store.ledger().value).toEqual([entry]);
  });

  it('changes the tier, and revokes a gateway key', async () => {
    const loaded = store.load('usr_demo', NOW);
    flushAll();
    await loaded;
    const updated = store.update({ tier: 'professional' });
    const put = http.expectOne(base);
    expect(put.request.method).toBe('PUT');
    expect(put.request.body).toEqual({ tier: 'professional' });
    put.flush(aUser({ tier: 'professional' }));
    await updated;
    expect(store.user()?.tier).toBe('professional');

    const revoked = store.revokeApiKey('gk1');
    expect(store.busyKeys().has('gk1')).toBe(true);
    const del = http.expectOne(`${base}/api-keys/gk1`);
    expect(del.request.method).toBe('DELETE');
    del.flush(null, { status: 204, statusText: 'No Content' });
    await revoked;
    expect(store.apiKeys().value).toEqual([]);
    expect(store.user()?.apiKeys).toBe(0);
    expect(store.busyKeys().size).toBe(0);
  });
});
