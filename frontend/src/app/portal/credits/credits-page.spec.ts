import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection, signal } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter } from '@angular/router';
import { AuthStore } from '../../core/auth/auth-store';
import { problemInterceptor } from '../../core/http/interceptors';
import { LowBalanceStore } from '../../core/layout/low-balance-store';
import { ALERT, CREDITS, FORECAST, LEDGER, PACKAGES } from './credits-fixtures';
import CreditsPage, { capPercent, lastsText } from './credits-page';
import { BROWSER_LOCATION, LEDGER_PAGE_SIZE } from './credits-store';

describe('lastsText and capPercent', () => {
  it('says how long credits last in words', () => {
    expect(lastsText(null)).toBeNull();
    expect(lastsText(0.4)).toBe('less than a day');
    expect(lastsText(1.2)).toBe('about 1 day');
    expect(lastsText(24.7)).toBe('about 25 days');
    expect(lastsText(2_999_993)).toBe('more than a year');
  });
  it('shares of the cap, at most 100', () => {
    expect(capPercent('2500000', '10000000')).toBe(25);
    expect(capPercent('25000000', '10000000')).toBe(100);
    expect(capPercent('1', '0')).toBe(100);
    expect(capPercent('1', null)).toBe(0);
  });
});

describe('CreditsPage', () => {
  let fixture: ComponentFixture<CreditsPage>;
  let http: HttpTestingController;
  let page: HTMLElement;
  let assign: ReturnType<typeof vi.fn>;

  beforeEach(() => {
    assign = vi.fn();
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideNoopAnimations(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
        { provide: AuthStore, useValue: { accessToken: signal('t'), sessionEnded: vi.fn() } },
        { provide: LowBalanceStore, useValue: { report: vi.fn() } },
        { provide: BROWSER_LOCATION, useValue: { assign } },
      ],
    });
    fixture = TestBed.createComponent(CreditsPage);
    fixture.autoDetectChanges();
    http = TestBed.inject(HttpTestingController);
    page = fixture.nativeElement as HTMLElement;
  });
  afterEach(() => http.verify());

  const flush = async (ledger = LEDGER): Promise<void> => {
    http.expectOne('/api/v1/me/credits').flush(CREDITS);
    http.expectOne('/api/v1/me/usage/forecast').flush(FORECAST);
    http.expectOne('/api/v1/me/settings').flush(ALERT);
    http.expectOne('/api/v1/me/credits/packages').flush(PACKAGES);
    http.expectOne(`/api/v1/me/credits/ledger?limit=${LEDGER_PAGE_SIZE}`).flush(ledger);
    // The answers settle through a few awaits: wait until the page shows them.
    await vi.waitFor(() => {
      expect(page.querySelector('[data-testid="balance"]')).not.toBeNull();
      expect(page.querySelectorAll('tr.mat-mdc-row').length).toBe(ledger.data.length);
    });
    await fixture.whenStable();
  };
  const button = (text: string): HTMLButtonElement => {
    const b = [...page.querySelectorAll('button')].find((x) => x.textContent?.trim() === text);
    if (!b) throw new Error(`no button ${text}`);
    return b;
  };

  it('shows the balance large, the month against the cap, how long credits last, packages and the ledger', async () => {
    await fixture.whenStable();
    await flush();
    expect(page.querySelectorAll('h1')).toHaveLength(1);
    expect(page.querySelector('[data-testid="balance"]')?.textContent?.trim()).toBe('$12.35');
    const text = (page.textContent ?? '').replace(/\s+/g, ' ');
    expect(text).toContain('$2.50 spent of your $10.00 hard cap');
    expect(text).toContain('Forecast for the month: $12.00');
    expect(text).toContain('over your cap');
    expect(text).toContain('Lasts about 25 days at your recent rate of $0.5000 a day.');
    expect(page.querySelector<HTMLInputElement>('input[inputmode="decimal"]')?.value).toBe('2.00');
    expect(text).toContain('55,000 credits');
    expect(text).toContain('10% bonus');
    expect(button('Buy 10,000 credits for $10.00')).toBeTruthy();
    const rows = page.querySelectorAll('tr.mat-mdc-row');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.textContent).toContain('Charge');
    expect(rows[0]!.textContent).toContain('$0.0013');
    expect(rows[0]!.querySelector('a')?.getAttribute('href')).toBe('/app/requests/req-1');
    expect(rows[1]!.textContent).toContain('+$5.00');
    expect(rows[1]!.textContent).not.toContain('+$5.0000');
  });

  it('a Buy button opens the checkout in the browser', async () => {
    await fixture.whenStable();
    await flush();
    button('Buy 55,000 credits for $50.00').click();
    const req = await vi.waitFor(() => http.expectOne('/api/v1/me/credits/checkout'));
    expect(req.request.body).toEqual({ packageId: 'credits-50' });
    req.flush({
      purchaseId: 'pur_2',
      packageId: 'credits-50',
      priceMicros: '50000000',
      credits: 55_000,
      amountMicros: '55000000',
      status: 'pending',
      checkoutUrl: '/billing/demo-checkout?user=u1&purchase=pur_2',
    });
    await vi.waitFor(() => expect(assign).toHaveBeenCalled());
    expect(assign).toHaveBeenCalledWith(
      '/billing/demo-checkout?user=u1&purchase=pur_2&return=%2Fapp%2Fcredits%3Fpurchase%3Dpur_2',
    );
  });

  it('saves a new alert threshold typed in dollars, and announces it', async () => {
    await fixture.whenStable();
    await flush();
    const input = page.querySelector<HTMLInputElement>('input[inputmode="decimal"]')!;
    input.value = '7.5';
    input.dispatchEvent(new Event('input'));
    button('Save alert').click();
    const put = await vi.waitFor(() => http.expectOne('/api/v1/me/settings'));
    expect(put.request.body).toEqual({ lowBalanceAlertMicros: '7500000' });
    put.flush({ lowBalanceAlertMicros: '7500000' });
    await vi.waitFor(() => expect(page.textContent).toContain('Low-balance alert saved.'));
    expect(input.value).toBe('7.50');
  });

  it('refuses an alert that is not an amount, without a request', async () => {
    await fixture.whenStable();
    await flush();
    const input = page.querySelector<HTMLInputElement>('input[inputmode="decimal"]')!;
    input.value = 'lots';
    input.dispatchEvent(new Event('input'));
    button('Save alert').click();
    await fixture.whenStable();
    http.expectNone('/api/v1/me/settings');
    expect(page.textContent).toContain('Enter an amount such as 5 or 2.50');
  });

  it('back from the checkout: says the payment arrived once the ledger shows it', async () => {
    fixture.componentRef.setInput('purchase', 'pur_7');
    await fixture.whenStable();
    await flush({
      data: [
        {
          id: 'g-7',
          at: '2026-12-06T12:00:00.000Z',
          kind: 'purchase',
          amountMicros: '10000000',
          reference: 'purchase-pur_7',
          description: '10000 credits (credits-10)',
          explanationUrl: null,
        },
        ...LEDGER.data,
      ],
      nextCursor: null,
    });
    expect(page.textContent).toContain('Payment received: $10.00 in credits added to your balance.');
  });
});
