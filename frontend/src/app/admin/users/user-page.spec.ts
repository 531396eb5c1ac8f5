import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component, provideZonelessChangeDetection } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter } from '@angular/router';
import { problemInterceptor } from '../../core/http/interceptors';
import { aUser, credits, gatewayKey, providerKey, summary } from './users-fixtures';
import UserPage, { dailySeries, preciseMoney } from './user-page';

const base = '/api/v1/admin/users/usr_demo';

@Component({ template: '' })
class Blank {}

describe('UserPage', () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<UserPage>;

  const render = async (): Promise<HTMLElement> => {
    TestBed.configureTestingModule({
      imports: [UserPage],
      providers: [
        provideZonelessChangeDetection(),
        provideNoopAnimations(),
        provideRouter([{ path: '**', component: Blank }]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(UserPage);
    fixture.componentRef.setInput('id', 'usr_demo');
    fixture.detectChanges();
    await vi.waitFor(() => http.expectOne(base).flush(aUser()));
    http.expectOne(`${base}/credits`).flush(credits('5000000'));
    http.expectOne((r) => r.url === `${base}/credits/ledger`).flush({ data: [], nextCursor: null });
    http.expectOne(`${base}/keys`).flush({ data: [providerKey] });
    http.expectOne(`${base}/api-keys`).flush({ data: [gatewayKey] });
    http.expectOne((r) => r.url === '/api/v1/admin/usage/summary').flush(summary(0));
    http
      .expectOne((r) => r.url === '/api/v1/admin/usage/timeseries')
      .flush({ from: 'x', to: 'y', userId: 'usr_demo', bucket: 'day', data: [] });
    const el = fixture.nativeElement as HTMLElement;
    await vi.waitFor(() => {
      fixture.detectChanges();
      expect(el.querySelector('[data-testid="balance"]')).not.toBeNull();
      expect(el.textContent).toContain('No requests in the last 30 days');
    });
    return el;
  };

  afterEach(() => {
    http.verify();
    document.querySelectorAll('.cdk-overlay-container').forEach((c) => (c.innerHTML = ''));
  });

  /** The open dialog once it has rendered (its title and a submit or confirm button are there). */
  const dialogOf = (selector: string) =>
    vi.waitFor(() => {
      TestBed.tick();
      const d = document.querySelector(selector);
      expect(d?.querySelector('h2')?.textContent?.trim()).toBeTruthy();
      expect(d?.querySelector('mat-dialog-content')?.textContent?.trim()).toBeTruthy();
      return d!;
    });

  const button = (root: ParentNode, text: string): HTMLButtonElement =>
    [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent?.trim() === text)!;

  it('shows the profile, credits, usage and both kinds of keys, masked', async () => {
    const el = await render();
    expect(el.querySelectorAll('h1')).toHaveLength(1);
    expect(el.querySelector('h1')?.textContent).toBe('Demo User');
    expect(el.querySelector('[data-testid="balance"]')?.textContent?.trim()).toBe('$5.00');
    expect(el.querySelector('[data-testid="month-spend"]')?.textContent?.trim()).toBe('$1.25');
    expect(el.textContent).toContain('$20.00 (soft)');
    expect(el.textContent).toContain('sk-sy-…a1b2');
    expect(el.textContent).toContain('sk-proj…wxyz');
    expect(el.textContent).toContain('valid');
    expect(button(el, 'Revoke')).toBeTruthy();
    expect(button(el, 'Disable user')).toBeTruthy();
    expect(button(el, 'Save changes').disabled).toBe(true); // nothing changed yet
  });

  it('grants credits in dollars as exact micro-dollars, with a reason', async () => {
    const el = await render();
    button(el, 'Grant credits').click();
    const dialog = await dialogOf('gw-grant-credits-dialog');
    const amount = dialog.querySelector<HTMLInputElement>('input[formcontrolname="amount"]')!;
    amount.value = '5.000001';
    amount.dispatchEvent(new Event('input'));
    button(dialog, 'Grant credits').click(); // no reason yet: nothing sent
    await vi.waitFor(() => {
      TestBed.tick();
      expect(dialog.textContent).toContain('Give a reason.');
    });
    http.expectNone((r) => r.method === 'POST');
    const reason = dialog.querySelector<HTMLTextAreaElement>('textarea')!;
    reason.value = 'support ticket 7';
    reason.dispatchEvent(new Event('input'));
    button(dialog, 'Grant credits').click();
    const req = await vi.waitFor(() =>
      http.expectOne((r) => r.method === 'POST' && r.url === `${base}/credits`),
    );
    expect(req.request.body).toEqual({ amountMicros: '5000001', reason: 'support ticket 7' });
    expect(req.request.headers.get('Idempotency-Key')).toMatch(/^portal-/);
    req.flush({ grantId: 'g', userId: 'usr_demo', amountMicros: '5000001', granted: true });
    await vi.waitFor(() =>
      http.expectOne((r) => r.method === 'GET' && r.url === `${base}/credits`).flush(credits('10000001')),
    );
    http
      .expectOne((r) => r.url === `${base}/credits/ledger`)
      .flush({
        data: [
          {
            id: 'e1',
            at: '2026-12-07T15:31:00.000Z',
            kind: 'admin',
            amountMicros: '5000001',
            reference: 'g',
            description: 'support ticket 7',
            explanationUrl: null,
          },
        ],
        nextCursor: null,
      });
    await vi.waitFor(() => {
      fixture.detectChanges();
      expect(el.querySelector('[data-testid="balance"]')?.textContent?.trim()).toBe('$10.00');
      expect(el.textContent).toContain('support ticket 7');
    });
  });

  it('revokes a gateway key after a confirmation', async () => {
    const el = await render();
    button(el, 'Revoke').click();
    const confirm = await dialogOf('gw-confirm-dialog');
    expect(confirm.textContent).toContain('sk-sy-…a1b2');
    button(confirm, 'Revoke key').click();
    const req = await vi.waitFor(() => http.expectOne(`${base}/api-keys/gk1`));
    expect(req.request.method).toBe('DELETE');
    req.flush(null, { status: 204, statusText: 'No Content' });
    await vi.waitFor(() => {
      fixture.detectChanges();
      expect(el.textContent).toContain('Revoked “laptop”.');
      expect(el.textContent).toContain('No active gateway keys.');
    });
  });

  it('deletes only once the name is typed', async () => {
    const el = await render();
    button(el, 'Delete user').click();
    const dialog = await dialogOf('gw-delete-user-dialog');
    const confirm = button(dialog, 'Delete user');
    await vi.waitFor(() => {
      TestBed.tick();
      expect(confirm.disabled).toBe(true);
    });
    const input = dialog.querySelector<HTMLInputElement>('input')!;
    input.value = 'Demo User';
    input.dispatchEvent(new Event('input'));
    await vi.waitFor(() => {
      TestBed.tick();
      expect(confirm.disabled).toBe(false);
    });
    confirm.click();
    const req = await vi.waitFor(() => http.expectOne((r) => r.method === 'DELETE' && r.url === base));
    req.flush(null, { status: 204, statusText: 'No Content' });
  });
});

describe('dailySeries', () => {
  it('fills every day of the range, zero where nothing was used', () => {
    const days = dailySeries('2026-11-08T00:00:00.000Z', [
      { bucket: '2026-11-09', requests: 4, chargedMicros: '120' },
    ]);
    expect(days).toHaveLength(30);
    expect(days[0]).toEqual({ day: '2026-11-08', requests: 0, chargedMicros: 0n });
    expect(days[1]).toEqual({ day: '2026-11-09', requests: 4, chargedMicros: 120n });
    expect(days[29]!.day).toBe('2026-12-07');
  });
});

describe('preciseMoney', () => {
  it('shows cents, or micro-dollars below a cent', () => {
    expect(preciseMoney('5000000')).toBe('$5.00');
    expect(preciseMoney('-42')).toBe('-$0.000042');
    expect(preciseMoney('0')).toBe('$0.00');
  });
});
