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
import { policyView, previewView, versionView } from './routing-fixtures';
import { RoutingStore } from './routing-store';

const POLICY = '/api/v1/admin/routing/policy';
const HISTORY = '/api/v1/admin/routing/policy/history';
const isPreview = (r: { url: string }) => r.url === '/api/v1/admin/routing/preview';

describe('RoutingStore', () => {
  let store: RoutingStore;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
        RoutingStore,
      ],
    });
    store = TestBed.inject(RoutingStore);
    store.previewDelayMs = 0;
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  const nextPreview = async (): Promise<TestRequest> => {
    let req: TestRequest | undefined;
    await vi.waitFor(() => {
      const found = http.match(isPreview);
      expect(found).toHaveLength(1);
      req = found[0];
    });
    return req!;
  };

  const load = async (version = 0): Promise<void> => {
    const done = store.load();
    http.expectOne(POLICY).flush(policyView(version), { headers: { etag: `"${version}"` } });
    const history = await vi.waitFor(() => http.expectOne(HISTORY));
    history.flush(version > 0 ? [versionView(version, 0.1)] : []);
    const preview = await nextPreview();
    expect(preview.request.method).toBe('POST');
    expect(preview.request.params.get('tier')).toBe('enterprise');
    preview.flush(previewView());
    await done;
  };

  it('loads the policy, its history and a preview of the unchanged draft', async () => {
    expect(store.loading()).toBe(true);
    await load(2);
    expect(store.loading()).toBe(false);
    expect(store.saved()!.version).toBe(2);
    expect(store.draft()!.levels.precision.weights).toEqual({ cost: 0.1, latency: 0.3, quality: 0.6 });
    expect(store.dirty()).toBe(false);
    expect(store.history().map((h) => h.version)).toEqual([2]);
    expect(store.preview()!.levels).toHaveLength(3);
    expect(store.providers()).toEqual(['mock-sage', 'mock-swift']);
  });

  it('a weight change rescales the others, makes the level custom, marks the draft dirty and re-previews it', async () => {
    await load();
    store.setWeight('balanced', 'cost', 0.7);
    const balanced = store.draft()!.levels.balanced;
    expect(balanced.strategy).toBe('custom');
    expect(balanced.weights).toEqual({ cost: 0.7, latency: 0.2, quality: 0.1 });
    expect(store.dirty()).toBe(true);
    const preview = await nextPreview();
    expect(preview.request.body.levels.balanced.weights).toEqual({ cost: 0.7, latency: 0.2, quality: 0.1 });
    preview.flush(previewView());
    store.discard();
    expect(store.dirty()).toBe(false);
    (await nextPreview()).flush(previewView());
  });

  it('never lets an older preview answer replace a newer one', async () => {
    await load();
    store.setMaxAttempts(2);
    const first = await nextPreview();
    store.setMaxAttempts(4);
    const second = await nextPreview();
    const newer = previewView();
    const older = previewView();
    older.levels[0]!.draft.candidates = [];
    // The second request went out; answer it first, then the first one late.
    second.flush(newer);
    first.flush(older);
    await vi.waitFor(() => expect(store.previewLoading()).toBe(false));
    expect(store.preview()!.levels[0]!.draft.candidates).toHaveLength(1);
  });

  it('saves with If-Match = the loaded ETag and takes the new version', async () => {
    await load(3);
    store.setFallback('auth', false);
    await nextPreview().then((r) => r.flush(previewView()));
    const saving = store.save();
    const put = http.expectOne(POLICY);
    expect(put.request.method).toBe('PUT');
    expect(put.request.headers.get('if-match')).toBe('"3"');
    expect(put.request.body.fallbackOn).toEqual(['rate_limited', 'timeout', 'server', 'connection']);
    expect(put.request.body.version).toBeUndefined();
    put.flush({ ...policyView(4), fallbackOn: put.request.body.fallbackOn }, { headers: { etag: '"4"' } });
    expect(await saving).toEqual({ kind: 'saved', version: 4 });
    expect(store.saved()!.version).toBe(4);
    expect(store.dirty()).toBe(false);
    (await vi.waitFor(() => http.expectOne(HISTORY))).flush([versionView(4, 0.1), versionView(3, 0.1)]);
    (await nextPreview()).flush(previewView());
  });

  it('edits chains, use cases, balancing and provider limits, and saves them all in the PUT body', async () => {
    await load(1);
    expect(store.models().map((m) => m.id)).toContain('mock-sage/sage-medium');
    store.setLatencyCap('precision', 1500);
    store.setChain('precision', ['mock-sage/sage-medium', 'mock-sage/sage-large']);
    store.setUseCase('code', ['mock-sage/sage-large']);
    store.setUseCase('draft', ['mock-swift/swift-mini']);
    store.setUseCase('draft', null);
    store.setBalancing({ enabled: true });
    store.setBalancing({ bandPercent: 7.5 });
    store.setBalancingWeight('mock-sage', 4);
    store.setBalancingWeight('mock-swift', 2);
    store.setBalancingWeight('mock-swift', null);
    store.setProviderLimit('mock-sage', { rpm: 600 });
    store.setPreferenceBonus(0.2);
    store.setRequestDeadline(90_000);
    expect(store.dirty()).toBe(true);
    // One preview for the burst of edits, with the draft's new fields.
    const preview = await nextPreview();
    expect(preview.request.body.levels.precision.chain).toEqual([
      'mock-sage/sage-medium',
      'mock-sage/sage-large',
    ]);
    preview.flush(previewView());
    const saving = store.save();
    const put = http.expectOne((r) => r.method === 'PUT');
    expect(put.request.body.levels.precision.latencyCapMs).toBe(1500);
    expect(put.request.body.useCases).toEqual({ code: ['mock-sage/sage-large'] });
    expect(put.request.body.balancing).toEqual({
      enabled: true,
      bandPercent: 7.5,
      weights: { 'mock-sage': 4 },
    });
    expect(put.request.body.providerLimits).toEqual({ 'mock-sage': { rpm: 600 } });
    expect(put.request.body.preferenceBonus).toBe(0.2);
    expect(put.request.body.requestDeadlineMs).toBe(90_000);
    const { useCases, balancing, providerLimits, preferenceBonus, requestDeadlineMs } = put.request.body;
    put.flush(
      { ...policyView(2), useCases, balancing, providerLimits, preferenceBonus, requestDeadlineMs },
      { headers: { etag: '"2"' } },
    );
    expect(await saving).toEqual({ kind: 'saved', version: 2 });
    expect(store.dirty()).toBe(false);
    expect(store.draft()!.useCases).toEqual({ code: ['mock-sage/sage-large'] });
    (await vi.waitFor(() => http.expectOne(HISTORY))).flush([]);
    (await nextPreview()).flush(previewView());
  });

  it('reports a stale save (412) as a conflict with the version now in force, keeping the draft', async () => {
    await load(1);
    store.setMaxAttempts(5);
    (await nextPreview()).flush(previewView());
    const saving = store.save();
    http
      .expectOne((r) => r.method === 'PUT')
      .flush(
        { code: 'ROUTING.POLICY_VERSION_MISMATCH', detail: 'The policy is at version 2, not 1', status: 412 },
        {
          status: 412,
          statusText: 'Precondition Failed',
          headers: { 'content-type': 'application/problem+json' },
        },
      );
    const reread = await vi.waitFor(() => http.expectOne((r) => r.method === 'GET' && r.url === POLICY));
    reread.flush(policyView(2), { headers: { etag: '"2"' } });
    expect(await saving).toEqual({ kind: 'conflict', version: 2 });
    expect(store.conflict()).toEqual({ version: 2 });
    expect(store.draft()!.maxAttempts).toBe(5);
    expect(store.saved()!.version).toBe(1);
  });
});
