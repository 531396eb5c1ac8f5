import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { problemInterceptor } from '../../core/http/interceptors';
import { ApiKeysStore } from './api-keys-store';

const listed = {
  id: 'g1',
  name: 'laptop',
  maskedKey: 'sk-sy-…a1b2',
  createdAt: '2026-12-01T10:00:00.000Z',
  lastUsedAt: '2026-12-02T10:00:00.000Z',
};

describe('ApiKeysStore', () => {
  let store: ApiKeysStore;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
        ApiKeysStore,
      ],
    });
    store = TestBed.inject(ApiKeysStore);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  it('lists the keys, newest first', async () => {
    expect(store.loading()).toBe(true);
    const done = store.load();
    const newer = { ...listed, id: 'g0', createdAt: '2026-12-03T10:00:00.000Z' };
    http.expectOne('/api/v1/me/api-keys').flush({ data: [listed, newer] });
    await done;
    expect(store.loading()).toBe(false);
    expect(store.keys()).toEqual([newer, listed]);
  });

  it('keeps a failed list as an ApiError', async () => {
    const done = store.load();
    http
      .expectOne('/api/v1/me/api-keys')
      .flush({ status: 503, title: 'Unavailable', code: 'UNAVAILABLE' }, { status: 503, statusText: 'x' });
    await done;
    expect(store.error()?.status).toBe(503);
  });

  it('hands a created key to the caller and lists only its masked form', async () => {
    const created = store.create({ name: 'CI' });
    const req = http.expectOne('/api/v1/me/api-keys');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ name: 'CI' });
    req.flush({ ...listed, id: 'g2', name: 'CI', lastUsedAt: null, apiKey: 'sk-sy-secret-0123456789' });
    const issued = await created;
    expect(issued.apiKey).toBe('sk-sy-secret-0123456789');
    expect(store.keys()).toEqual([{ ...listed, id: 'g2', name: 'CI', lastUsedAt: null }]);
    expect(JSON.stringify(store.keys())).not.toContain('secret');
  });

  it('revokes a key: it leaves the list; a failure leaves it there and throws', async () => {
    const done = store.load();
    http.expectOne('/api/v1/me/api-keys').flush({ data: [listed, { ...listed, id: 'g2' }] });
    await done;

    const revoked = store.revoke('g1');
    expect(store.busy().has('g1')).toBe(true);
    const req = http.expectOne('/api/v1/me/api-keys/g1');
    expect(req.request.method).toBe('DELETE');
    req.flush(null, { status: 204, statusText: 'No Content' });
    await revoked;
    expect(store.keys().map((k) => k.id)).toEqual(['g2']);
    expect(store.busy().has('g1')).toBe(false);

    const failed = store.revoke('g2');
    http
      .expectOne('/api/v1/me/api-keys/g2')
      .flush(
        { status: 404, title: 'Not found', code: 'ACCOUNTS.KEY_NOT_FOUND' },
        { status: 404, statusText: 'x' },
      );
    await expect(failed).rejects.toMatchObject({ code: 'ACCOUNTS.KEY_NOT_FOUND' });
    expect(store.keys().map((k) => k.id)).toEqual(['g2']);
  });
});
