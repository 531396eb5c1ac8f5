import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
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
import TiersPage from './tiers-page';

/** Rendering Material forms in jsdom takes seconds on a busy machine (the first test the longest). */
const SLOW = 30_000;

describe('TiersPage', () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<TiersPage>;

  const settle = async (el: HTMLElement): Promise<void> =>
    vi.waitFor(() => {
      fixture.detectChanges();
      expect(el.querySelector('gw-page-state mat-spinner')).toBeNull();
    });

  const render = async (): Promise<HTMLElement> => {
    TestBed.configureTestingModule({
      imports: [TiersPage],
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(TiersPage);
    fixture.detectChanges();
    http.expectOne('/api/v1/admin/tiers').flush(tierPolicy());
    http.expectOne('/api/v1/admin/tiers/history').flush(tierHistory());
    http.expectOne('/api/v1/admin/limits').flush(rateLimits());
    http.expectOne('/api/v1/admin/limits/history').flush(limitsHistory());
    http.expectOne('/api/v1/admin/billing/policy').flush(billingPolicy());
    http.expectOne('/api/v1/admin/billing/policy/history').flush(billingHistory());
    const el = fixture.nativeElement as HTMLElement;
    await settle(el);
    return el;
  };

  afterEach(() => {
    http.verify();
    document.querySelectorAll('.cdk-overlay-container').forEach((c) => (c.innerHTML = ''));
  });

  const card = (el: HTMLElement, selector: string): HTMLElement => el.querySelector<HTMLElement>(selector)!;
  const fieldset = (root: HTMLElement, legend: string): HTMLElement =>
    [...root.querySelectorAll<HTMLElement>('fieldset')].find((f) =>
      f.querySelector('legend')?.textContent?.includes(legend),
    )!;
  const input = (root: HTMLElement, label: string): HTMLInputElement => {
    const field = [...root.querySelectorAll('mat-form-field')].find((f) =>
      f.querySelector('mat-label')?.textContent?.trim().startsWith(label),
    )!;
    return field.querySelector('input')!;
  };
  const type = (i: HTMLInputElement, value: string): void => {
    i.value = value;
    i.dispatchEvent(new Event('input'));
    i.dispatchEvent(new Event('blur'));
  };
  const button = (root: HTMLElement, text: string): HTMLButtonElement =>
    [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent?.trim() === text)!;

  it(
    'shows one h1 and the three policies with their versions, who changed them and their histories',
    async () => {
      const el = await render();
      expect(el.querySelectorAll('h1')).toHaveLength(1);
      expect(el.querySelector('h1')?.textContent).toBe('Tiers and billing');
      const limits = card(el, 'gw-rate-limits-card');
      expect(limits.textContent).toContain('Version 2');
      expect(limits.textContent).toContain('changed by Administrator');
      expect(input(fieldset(limits, 'Starter'), 'Requests per minute').value).toBe('30');
      // null = unlimited: an empty field
      expect(input(fieldset(limits, 'Enterprise'), 'Requests per day').value).toBe('');
      expect(limits.querySelectorAll('.history .entry')).toHaveLength(3);
      expect(limits.querySelector('.history')?.textContent).toContain('Starter requests/min: 20 → 30');
      // version 1 against the defaults it replaced
      expect(limits.querySelector('.history')?.textContent).toContain('Starter requests/min: 30 → 20');
      expect(limits.querySelectorAll('.history .entry')[2].textContent).toContain('The product defaults');
      expect(card(el, 'gw-tier-rules-card').querySelector('.history')?.textContent).toContain(
        'Professional BYOK: allowed, 10 per provider → allowed, 3 per provider',
      );
      const billing = card(el, 'gw-billing-policy-card');
      expect(billing.textContent).toContain('the product defaults, never changed');
      expect(billing.textContent).toContain('No changes yet');
      expect(input(billing, 'Sign-up credits').value).toBe('1.00');
      expect(input(billing, 'Starter markup').value).toBe('40');
      expect(input(billing, 'Eco multiplier').value).toBe('0.1');
      const tiers = card(el, 'gw-tier-rules-card');
      const starter = fieldset(tiers, 'Starter');
      const checked = [...starter.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')].map(
        (c) => c.checked,
      );
      expect(checked).toEqual([true, true, false, true]); // eco, balanced, not precision; BYOK allowed
    },
    SLOW,
  );

  it(
    'saves a changed rate limit with If-Match and shows the new version',
    async () => {
      const el = await render();
      const limits = card(el, 'gw-rate-limits-card');
      type(input(fieldset(limits, 'Starter'), 'Requests per minute'), '7');
      fixture.detectChanges();
      button(limits, 'Save rate limits').click();
      const put = http.expectOne((r) => r.method === 'PUT' && r.url === '/api/v1/admin/limits');
      expect(put.request.headers.get('if-match')).toBe('"2"');
      expect(put.request.body.tiers.starter).toEqual({ rpm: 7, rph: 1000, rpd: 10000, tpm: 100000 });
      expect(put.request.body.tiers.enterprise.rpd).toBeNull();
      put.flush(rateLimits(3, 7));
      const history = limitsHistory();
      history.versions.push({
        version: 3,
        changedBy: 'u-admin',
        changedByName: 'Administrator',
        changedAt: '2026-12-05T10:00:00.000Z',
        tiers: rateLimits(3, 7).tiers,
      });
      await vi.waitFor(() => http.expectOne('/api/v1/admin/limits/history').flush(history));
      await vi.waitFor(() => {
        fixture.detectChanges();
        expect(limits.textContent).toContain('Saved the rate limits as version 3.');
      });
      expect(limits.querySelector('.version-line')?.textContent).toContain('Version 3');
      expect(limits.querySelectorAll('.history .entry')).toHaveLength(4);
      expect(limits.querySelector('.history .entry')?.textContent).toContain('Starter requests/min: 30 → 7');
    },
    SLOW,
  );

  it(
    'refuses an invalid limit with a message and sends nothing',
    async () => {
      const el = await render();
      const limits = card(el, 'gw-rate-limits-card');
      type(input(fieldset(limits, 'Free'), 'Tokens per minute'), '1.5');
      fixture.detectChanges();
      button(limits, 'Save rate limits').click();
      fixture.detectChanges();
      expect(limits.textContent).toContain('A whole number, or empty for unlimited.');
      expect(limits.textContent).toContain('Fix the highlighted fields first.');
      http.expectNone((r) => r.method === 'PUT');
    },
    SLOW,
  );

  it(
    'a conflict (412) says so and reloads the section with the other version',
    async () => {
      const el = await render();
      const tiers = card(el, 'gw-tier-rules-card');
      button(tiers, 'Save tier rules').click();
      const put = http.expectOne((r) => r.method === 'PUT' && r.url === '/api/v1/admin/tiers');
      expect(put.request.headers.get('if-match')).toBe('"1"');
      expect(put.request.body.tiers.free).toEqual({
        powerLevels: ['eco'],
        byok: { allowed: false, keysPerProvider: 0 },
      });
      put.flush(
        { status: 412, title: 'Precondition failed', code: 'ACCOUNTS.TIER_POLICY_VERSION_MISMATCH' },
        { status: 412, statusText: 'x' },
      );
      await vi.waitFor(() => http.expectOne('/api/v1/admin/tiers').flush(tierPolicy(5)));
      http.expectOne('/api/v1/admin/tiers/history').flush(tierHistory());
      await vi.waitFor(() => {
        fixture.detectChanges();
        expect(tiers.querySelector('[role="alert"]')?.textContent).toContain(
          'Someone else changed the tier rules while you were editing (now version 5)',
        );
      });
      expect(tiers.querySelector('.version-line')?.textContent).toContain('Version 5');
    },
    SLOW,
  );

  it(
    'sends the billing policy in exact micro-dollars and basis points, packages added and removed',
    async () => {
      const el = await render();
      const billing = card(el, 'gw-billing-policy-card');
      type(input(billing, 'Sign-up credits'), '2.5');
      type(input(billing, 'Professional markup'), '12.34');
      button(billing, 'Add package').click();
      fixture.detectChanges();
      const rows = billing.querySelectorAll<HTMLElement>('.package');
      expect(rows).toHaveLength(3);
      type(input(rows[2], 'Package id'), 'huge');
      type(input(rows[2], 'Price'), '99.999999');
      type(input(rows[2], 'Credits'), '100000');
      rows[0].querySelector<HTMLButtonElement>('button.remove')!.click();
      fixture.detectChanges();
      expect(billing.querySelectorAll('.package')).toHaveLength(2);
      button(billing, 'Save billing policy').click();
      const put = http.expectOne((r) => r.method === 'PUT' && r.url === '/api/v1/admin/billing/policy');
      expect(put.request.headers.get('if-match')).toBe('"0"');
      expect(put.request.body).toMatchObject({
        signupCreditsMicros: '2500000',
        tierMarkupBps: { free: 0, starter: 4000, professional: 1234, enterprise: 1000 },
        powerLevelMultiplierBps: { eco: 1000, balanced: 10000, precision: 15000 },
        byokFeeBps: 1000,
        microsPerCredit: '1000',
        creditPackages: [
          { id: 'large', priceMicros: '20000000', credits: 22000 },
          { id: 'huge', priceMicros: '99999999', credits: 100000 },
        ],
      });
      put.flush({ ...billingPolicy(1), signupCreditsMicros: '2500000' });
      await vi.waitFor(() => http.expectOne('/api/v1/admin/billing/policy/history').flush(billingHistory()));
      await vi.waitFor(() => {
        fixture.detectChanges();
        expect(billing.textContent).toContain('Saved the billing policy as version 1.');
      });
    },
    SLOW,
  );

  it(
    'a tier must keep one power level',
    async () => {
      const el = await render();
      const tiers = card(el, 'gw-tier-rules-card');
      const free = fieldset(tiers, 'Free');
      free.querySelector<HTMLInputElement>('input[type="checkbox"]')!.click(); // eco off: none left
      fixture.detectChanges();
      expect(free.textContent).toContain('Allow at least one power level.');
      button(tiers, 'Save tier rules').click();
      http.expectNone((r) => r.method === 'PUT');
    },
    SLOW,
  );
});
