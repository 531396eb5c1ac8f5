import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { AuthStore } from '../../core/auth/auth-store';
import { problemInterceptor } from '../../core/http/interceptors';
import { LowBalanceStore } from '../../core/layout/low-balance-store';
import { CreditsApi } from './credits-api';
import { ALERT, CREDITS, FORECAST, LEDGER, PACKAGES } from './credits-fixtures';
import {
  bonusPercent,
  BROWSER_LOCATION,
  checkoutDestination,
  CreditsStore,
  LEDGER_PAGE_SIZE,
  purchaseEntry,
} from './credits-store';

describe('checkoutDestination', () => {
  it('sends the demo checkout back to /app/credits with the purchase id', () => {
    expect(checkoutDestination('/billing/demo-checkout?user=u1&purchase=pur_1', 'pur_1')).toBe(
      '/billing/demo-checkout?user=u1&purchase=pur_1&return=%2Fapp%2Fcredits%3Fpurchase%3Dpur_1',
    );
  });
  it('leaves a payment provider’s page as configured', () => {
    expect(checkoutDestination('https://pay.example/c/pur_1', 'pur_1')).toBe('https://pay.example/c/pur_1');
  });
});

describe('bonusPercent and purchaseEntry', () => {
  it('counts the extra credits over the price, exactly', () => {
    expect(bonusPercent(PACKAGES.packages[0]!)).toBe(0);
    expect(bonusPercent(PACKAGES.packages[1]!)).toBe(10);
  });
  it('finds the ledger entry a purchase granted', () => {
    const entry = { ...LEDGER.data[1]!, kind: 'purchase' as const, reference: 'purchase-pur_9' };
    expect(purchaseEntry([LEDGER.data[0]!, entry], 'pur_9')).toBe(entry);
    expect(purchaseEntry([LEDGER.data[0]!, entry], 'pur_8')).toBeUndefined();
  });
});

describe('CreditsStore', () => {
  let store: CreditsStore;
  let http: HttpTestingController;
  let assign: ReturnType<typeof vi.fn>;
  let report: ReturnType<typeof vi.fn>;

  beforeEach(() => {
    assign = vi.fn();
    report = vi.fn();
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
        { provide: AuthStore, useValue: { sessionEnded: vi.fn(), accessToken: signal('t') } },
        { provide: LowBalanceStore, useValue: { report } },
        { provide: BROWSER_LOCATION, useValue: { assign } },
        CreditsApi,
        CreditsStore,
      ],
    });
    store = TestBed.inject(CreditsStore);
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  const flushLoad = async (): Promise<void> => {
    const loading = store.load();
    http.expectOne('/api/v1/me/credits').flush(CREDITS);
    http.expectOne('/api/v1/me/usage/forecast').flush(FORECAST);
    http.expectOne('/api/v1/me/settings').flush(ALERT);
    http.expectOne('/api/v1/me/credits/packages').flush(PACKAGES);
    http.expectOne(`/api/v1/me/credits/ledger?limit=${LEDGER_PAGE_SIZE}`).flush(LEDGER);
    await loading;
  };

  it('loads balance, forecast, alert, packages and the first ledger page, and tells the banner', async () => {
    await flushLoad();
    expect(store.loading()).toBe(false);
    expect(store.credits()).toEqual(CREDITS);
    expect(store.forecast()).toEqual(FORECAST);
    expect(store.alertMicros()).toBe('2000000');
    expect(store.packages()).toHaveLength(2);
    expect(store.ledger()).toHaveLength(2);
    expect(store.hasMoreLedger()).toBe(true);
    expect(report).toHaveBeenCalledWith({ balanceMicros: '12345678', thresholdMicros: '2000000' });
  });

  it('pages the ledger with the cursor, appending older entries', async () => {
    await flushLoad();
    const more = store.loadMoreLedger();
    const req = http.expectOne((r) => r.url === '/api/v1/me/credits/ledger');
    expect(req.request.params.get('before')).toBe('cursor-2');
    req.flush({ data: [{ ...LEDGER.data[1]!, id: 'g-0' }], nextCursor: null });
    await more;
    expect(store.ledger().map((e) => e.id)).toEqual(['req-1', 'g-1', 'g-0']);
    expect(store.hasMoreLedger()).toBe(false);
  });

  it('a failing summary is the page error; packages and the ledger still load', async () => {
    const loading = store.load();
    http
      .expectOne('/api/v1/me/credits')
      .flush(
        { title: 'The gateway failed', status: 503, code: 'X' },
        { status: 503, statusText: 'x', headers: { 'x-switchyard-request-id': 'r-1' } },
      );
    http.expectOne('/api/v1/me/usage/forecast').flush(FORECAST);
    http.expectOne('/api/v1/me/settings').flush(ALERT);
    http.expectOne('/api/v1/me/credits/packages').flush(PACKAGES);
    http.expectOne(`/api/v1/me/credits/ledger?limit=${LEDGER_PAGE_SIZE}`).flush(LEDGER);
    await loading;
    expect(store.error()?.correlationId).toBe('r-1');
    expect(store.packages()).toHaveLength(2);
    expect(store.ledger()).toHaveLength(2);
  });

  it('buying starts a checkout and sends the browser to the demo page with the way back', async () => {
    await flushLoad();
    const buying = store.buy('credits-10');
    expect(store.buying()).toBe('credits-10');
    const req = http.expectOne('/api/v1/me/credits/checkout');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ packageId: 'credits-10' });
    req.flush({
      purchaseId: 'pur_1',
      packageId: 'credits-10',
      priceMicros: '10000000',
      credits: 10_000,
      amountMicros: '10000000',
      status: 'pending',
      checkoutUrl: '/billing/demo-checkout?user=u1&purchase=pur_1',
    });
    expect(await buying).toBe(true);
    expect(assign).toHaveBeenCalledWith(
      '/billing/demo-checkout?user=u1&purchase=pur_1&return=%2Fapp%2Fcredits%3Fpurchase%3Dpur_1',
    );
  });

  it('a checkout that cannot start says why and leaves the page', async () => {
    await flushLoad();
    const buying = store.buy('credits-10');
    http.expectOne('/api/v1/me/credits/checkout').flush(
      {
        title: 'Conflict',
        status: 409,
        code: 'BILLING.CHECKOUT_NOT_CONFIGURED',
        detail: 'Buying credits needs a payment page',
      },
      { status: 409, statusText: 'Conflict' },
    );
    expect(await buying).toBe(false);
    expect(store.buyError()?.code).toBe('BILLING.CHECKOUT_NOT_CONFIGURED');
    expect(store.buying()).toBeNull();
    expect(assign).not.toHaveBeenCalled();
  });

  it('saves the alert with only that field, and removes it with null; the banner follows', async () => {
    await flushLoad();
    const saving = store.saveAlert('5000000');
    const put = http.expectOne('/api/v1/me/settings');
    expect(put.request.method).toBe('PUT');
    expect(put.request.body).toEqual({ lowBalanceAlertMicros: '5000000' });
    put.flush({ lowBalanceAlertMicros: '5000000' });
    expect(await saving).toBe(true);
    expect(store.alertMicros()).toBe('5000000');
    expect(store.alertSaved()).toBe('Low-balance alert saved.');
    expect(report).toHaveBeenLastCalledWith({ thresholdMicros: '5000000' });

    const removing = store.saveAlert(null);
    const del = http.expectOne('/api/v1/me/settings');
    expect(del.request.body).toEqual({ lowBalanceAlertMicros: null });
    del.flush({ lowBalanceAlertMicros: null });
    await removing;
    expect(store.alertMicros()).toBeNull();
    expect(store.alertSaved()).toBe('Low-balance alert removed.');
  });
});
