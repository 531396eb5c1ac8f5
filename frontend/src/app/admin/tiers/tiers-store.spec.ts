import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { problemInterceptor } from '../../core/http/interceptors';
import {
  billingHistory,
  billingPolicy,
  limitsHistory,
  rateLimits,
  tierHistory,
  tierPolicy,
} from './tiers-fixtures';
import { TiersStore } from './tiers-store';

describe('TiersStore', () => {
  let store: TiersStore;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
        TiersStore,
      ],
    });
    store = TestBed.inject(TiersStore);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  const flushAll = (): void => {
    http.expectOne('/api/v1/admin/tiers').flush(tierPolicy());
    http.expectOne('/api/v1/admin/tiers/history').flush(tierHistory());
    http.expectOne('/api/v1/admin/limits').flush(rateLimits());
    http.expectOne('/api/v1/admin/limits/history').flush(limitsHistory());
    http.expectOne('/api/v1/admin/billing/policy').flush(billingPolicy());
    http.expectOne('/api/v1/admin/billing/policy/history').flush(billingHistory());
  };

  it('loads the three policies with their histories, newest first, and who made the version in force', async () => {
    expect(store.rateLimits.loading()).toBe(true);
    const done = store.load();
    flushAll();
    await done;
    expect(store.rateLimits.loading()).toBe(false);
    expect(store.rateLimits.current()?.version).toBe(2);
    expect(store.rateLimits.history().map((h) => h.version)).toEqual([2, 1, 0]);
    expect(store.rateLimits.lastChange()).toMatchObject({ version: 2, changedByName: 'Administrator' });
    expect(store.tierRules.current()?.tiers.starter.powerLevels).toEqual(['eco', 'balanced']);
    // version 0: the defaults, nobody changed them
    expect(store.billing.current()?.version).toBe(0);
    expect(store.billing.lastChange()).toMatchObject({ version: 0, changedBy: null, changedAt: null });
  });

  it('keeps a section that fails to load as an ApiError, the others load', async () => {
    const done = store.load();
    http.expectOne('/api/v1/admin/tiers').flush(tierPolicy());
    http.expectOne('/api/v1/admin/tiers/history').flush(tierHistory());
    http
      .expectOne('/api/v1/admin/limits')
      .flush({ status: 503, title: 'Unavailable', code: 'UNAVAILABLE' }, { status: 503, statusText: 'x' });
    http.expectOne('/api/v1/admin/limits/history').flush(limitsHistory());
    http.expectOne('/api/v1/admin/billing/policy').flush(billingPolicy());
    http.expectOne('/api/v1/admin/billing/policy/history').flush(billingHistory());
    await done;
    expect(store.rateLimits.error()?.status).toBe(503);
    expect(store.tierRules.error()).toBeNull();
  });

  it('saves with If-Match of the version shown, then shows the new version and its history', async () => {
    const loaded = store.load();
    flushAll();
    await loaded;
    const saving = store.rateLimits.save({ starter: { rpm: 7 } });
    const put = http.expectOne('/api/v1/admin/limits');
    expect(put.request.method).toBe('PUT');
    expect(put.request.headers.get('if-match')).toBe('"2"');
    expect(put.request.body).toEqual({ tiers: { starter: { rpm: 7 } } });
    expect(store.rateLimits.saving()).toBe(true);
    put.flush(rateLimits(3, 7));
    await Promise.resolve();
    const history = limitsHistory();
    history.versions.push({
      version: 3,
      changedBy: 'u-admin',
      changedByName: 'Administrator',
      changedAt: '2026-12-05T10:00:00.000Z',
      tiers: rateLimits(3, 7).tiers,
    });
    http.expectOne('/api/v1/admin/limits/history').flush(history);
    expect(await saving).toEqual({ kind: 'saved', version: 3 });
    expect(store.rateLimits.current()?.tiers.starter.rpm).toBe(7);
    expect(store.rateLimits.history()[0].version).toBe(3);
    expect(store.rateLimits.lastChange()?.version).toBe(3);
    expect(store.rateLimits.saving()).toBe(false);
  });

  it('a stale If-Match (412) reloads the section and reports the conflict instead of overwriting', async () => {
    const loaded = store.load();
    flushAll();
    await loaded;
    const saving = store.billing.save({ byokFeeBps: 500 });
    const put = http.expectOne('/api/v1/admin/billing/policy');
    expect(put.request.headers.get('if-match')).toBe('"0"');
    put.flush(
      { status: 412, title: 'Precondition failed', code: 'BILLING.POLICY_VERSION_MISMATCH' },
      { status: 412, statusText: 'x' },
    );
    await vi.waitFor(() => http.expectOne('/api/v1/admin/billing/policy').flush(billingPolicy(4)));
    http.expectOne('/api/v1/admin/billing/policy/history').flush(billingHistory());
    expect(await saving).toEqual({ kind: 'conflict', version: 4 });
    expect(store.billing.current()?.version).toBe(4);
    expect(store.billing.conflict()).toContain('Someone else changed the billing policy');
    expect(store.billing.conflict()).toContain('now version 4');
  });

  it('any other failure is thrown to the caller and nothing changes', async () => {
    const loaded = store.load();
    flushAll();
    await loaded;
    const saving = store.tierRules.save(tierPolicy().tiers);
    http.expectOne('/api/v1/admin/tiers').flush(
      {
        status: 400,
        title: 'Bad',
        detail: 'tiers.free.powerLevels must list…',
        code: 'ACCOUNTS.INVALID_TIER_POLICY',
      },
      { status: 400, statusText: 'x' },
    );
    await expect(saving).rejects.toMatchObject({ status: 400, code: 'ACCOUNTS.INVALID_TIER_POLICY' });
    expect(store.tierRules.current()?.version).toBe(1);
    expect(store.tierRules.conflict()).toBeNull();
  });
});
