import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { problemInterceptor } from '../../core/http/interceptors';
import type { KeyView } from './provider-keys-api';
import { aKey, providers } from './provider-keys-fixtures';
import { ProviderKeysStore } from './provider-keys-store';

describe('ProviderKeysStore', () => {
  let store: ProviderKeysStore;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
        ProviderKeysStore,
      ],
    });
    store = TestBed.inject(ProviderKeysStore);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  const load = async (keys: KeyView[] = [aKey()], byok = providers()): Promise<void> => {
    const done = store.load();
    http.expectOne('/api/v1/me/keys/providers').flush(byok);
    http.expectOne('/api/v1/me/keys').flush({ data: keys });
    await done;
  };

  it('builds a card per provider with its keys, connected when an enabled key is not refused', async () => {
    await load([aKey(), aKey({ id: 'k2', provider: 'anthropic', status: 'invalid' })]);
    expect(store.loading()).toBe(false);
    const cards = store.cards();
    expect(cards.map((c) => c.provider.provider)).toEqual(['openai', 'anthropic', 'custom']);
    expect(cards.map((c) => c.connected)).toEqual([true, false, false]);
    // one key per provider on this tier: openai and anthropic are full, custom is not
    expect(cards.map((c) => c.canAdd)).toEqual([false, false, true]);
  });

  it('keeps a card for keys of a provider no longer listed (so they can be deleted), without adding', async () => {
    await load([aKey({ provider: 'retired' })]);
    const retired = store.cards().find((c) => c.provider.provider === 'retired');
    expect(retired?.keys).toHaveLength(1);
    expect(retired?.canAdd).toBe(false);
  });

  it('shows a failed load as an ApiError with the problem’s code', async () => {
    const done = store.load();
    http
      .expectOne('/api/v1/me/keys/providers')
      .flush(
        { title: 'Internal', status: 500, code: 'INTERNAL', correlationId: 'req-1' },
        { status: 500, statusText: 'Internal' },
      );
    http.expectOne('/api/v1/me/keys').flush({ data: [] });
    await done;
    expect(store.error()?.code).toBe('INTERNAL');
    expect(store.error()?.describe()).toContain('req-1');
  });

  it('adds a key to its card and sends only the given fields', async () => {
    await load([]);
    const added = store.add({ provider: 'anthropic', apiKey: 'sk-ant-0123456789abcdef', label: 'lab' });
    const req = http.expectOne('/api/v1/me/keys');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({
      provider: 'anthropic',
      apiKey: 'sk-ant-0123456789abcdef',
      label: 'lab',
    });
    req.flush(aKey({ id: 'k9', provider: 'anthropic', masked: 'sk-ant-…cdef' }));
    await added;
    expect(store.cards().find((c) => c.provider.provider === 'anthropic')?.keys[0].masked).toBe(
      'sk-ant-…cdef',
    );
  });

  it('tests a stored key: the refusal becomes a sentence and the key’s new status is kept', async () => {
    await load();
    const tested = store.test('k1');
    expect(store.busy().has('k1')).toBe(true);
    const req = http.expectOne('/api/v1/me/keys/k1/test');
    expect(req.request.method).toBe('POST');
    req.flush({
      ok: false,
      latencyMs: 40,
      error: { kind: 'auth', status: 401 },
      key: aKey({ status: 'invalid' }),
    });
    const outcome = await tested;
    expect(outcome).toEqual({ ok: false, message: 'The provider refused the key (HTTP 401).' });
    expect(store.testOutcomes()['k1']).toEqual(outcome);
    expect(store.keys()[0].status).toBe('invalid');
    expect(store.busy().has('k1')).toBe(false);
  });

  it('a test that cannot run says why, and does not throw', async () => {
    await load();
    const tested = store.test('k1');
    http
      .expectOne('/api/v1/me/keys/k1/test')
      .flush(
        { title: 'Conflict', status: 409, code: 'KEYS.KEY_UNAVAILABLE', detail: 'This key cannot be read.' },
        { status: 409, statusText: 'Conflict' },
      );
    expect((await tested).message).toBe('The test could not run: This key cannot be read.');
  });

  it('disables, rotates and deletes a key', async () => {
    await load();
    const disabled = store.setEnabled('k1', false);
    const patch = http.expectOne('/api/v1/me/keys/k1');
    expect(patch.request.method).toBe('PATCH');
    expect(patch.request.body).toEqual({ enabled: false });
    patch.flush(aKey({ enabled: false }));
    await disabled;
    expect(store.cards()[0].connected).toBe(false);

    const rotated = store.rotate('k1', 'sk-proj-newkey0123456789');
    const rotate = http.expectOne('/api/v1/me/keys/k1/rotate');
    expect(rotate.request.body).toEqual({ apiKey: 'sk-proj-newkey0123456789' });
    rotate.flush(aKey({ masked: 'sk-proj-…6789', status: 'unvalidated' }));
    await rotated;
    expect(store.keys()[0].masked).toBe('sk-proj-…6789');

    const removed = store.remove('k1');
    const del = http.expectOne('/api/v1/me/keys/k1');
    expect(del.request.method).toBe('DELETE');
    del.flush(null, { status: 204, statusText: 'No Content' });
    await removed;
    expect(store.keys()).toEqual([]);
  });

  it('checks an unsaved key with POST /api/v1/me/keys/test', async () => {
    const checked = store.check({ provider: 'openai', apiKey: 'sk-0123456789abcdefghij' });
    const req = http.expectOne('/api/v1/me/keys/test');
    expect(req.request.method).toBe('POST');
    req.flush({ ok: true, latencyMs: 12, error: null });
    expect(await checked).toEqual({ ok: true, latencyMs: 12, error: null });
  });
});
