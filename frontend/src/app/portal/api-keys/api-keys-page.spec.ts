import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { problemInterceptor } from '../../core/http/interceptors';
import ApiKeysPage from './api-keys-page';

const listed = {
  id: 'g1',
  name: 'laptop',
  maskedKey: 'sk-sy-…a1b2',
  createdAt: '2026-12-01T10:00:00.000Z',
  lastUsedAt: null,
};

describe('ApiKeysPage', () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<ApiKeysPage>;

  const render = async (keys: unknown[]): Promise<HTMLElement> => {
    TestBed.configureTestingModule({
      imports: [ApiKeysPage],
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(ApiKeysPage);
    fixture.detectChanges();
    http.expectOne('/api/v1/me/api-keys').flush({ data: keys });
    const el = fixture.nativeElement as HTMLElement;
    await vi.waitFor(() => {
      fixture.detectChanges();
      expect(el.querySelector('gw-page-state mat-spinner')).toBeNull();
    });
    return el;
  };

  afterEach(() => {
    http.verify();
    document.querySelectorAll('.cdk-overlay-container').forEach((c) => (c.innerHTML = ''));
  });

  const createKey = (el: HTMLElement, name: string): void => {
    const input = el.querySelector<HTMLInputElement>('input[formcontrolname="name"]')!;
    input.value = name;
    input.dispatchEvent(new Event('input'));
    el.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
  };

  it('lists keys with masked key, created, last used and a revoke button', async () => {
    const el = await render([listed]);
    expect(el.querySelectorAll('h1')).toHaveLength(1);
    const row = el.querySelector('tr.mat-mdc-row')!;
    expect(row.textContent).toContain('laptop');
    expect(row.textContent).toContain('sk-sy-…a1b2');
    expect(row.textContent).toContain('Not yet');
    expect(row.querySelector('button')?.textContent?.trim()).toBe('Revoke');
  });

  it('says when there are no keys', async () => {
    const el = await render([]);
    expect(el.textContent).toContain('No API keys yet');
  });

  it('shows a created key once, in a dialog with a copy button, and lists it masked', async () => {
    const el = await render([]);
    createKey(el, 'CI');
    const req = http.expectOne((r) => r.method === 'POST' && r.url === '/api/v1/me/api-keys');
    expect(req.request.body).toEqual({ name: 'CI' });
    req.flush({ ...listed, id: 'g2', name: 'CI', apiKey: 'sk-sy-the-new-key-0123456789' });
    await vi.waitFor(() => {
      fixture.detectChanges();
      expect(document.querySelector('gw-issued-key-dialog')).not.toBeNull();
    });
    const dialog = document.querySelector('gw-issued-key-dialog')!;
    expect(dialog.querySelector<HTMLInputElement>('input')!.value).toBe('sk-sy-the-new-key-0123456789');
    expect(dialog.textContent).toContain('only time it is shown');

    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    [...dialog.querySelectorAll('button')].find((b) => b.textContent?.includes('Copy key'))!.click();
    await vi.waitFor(() => {
      fixture.detectChanges();
      expect(dialog.querySelector('[role="status"]')?.textContent).toContain('Copied');
    });
    expect(writeText).toHaveBeenCalledWith('sk-sy-the-new-key-0123456789');
    // the form is ready for another key: empty, without an error
    expect(el.querySelector<HTMLInputElement>('input[formcontrolname="name"]')!.value).toBe('');
    expect(el.querySelector('mat-error')).toBeNull();
    // the page lists it masked, and nowhere outside the dialog holds the key
    expect(el.textContent).toContain('sk-sy-…a1b2');
    expect(el.textContent).not.toContain('sk-sy-the-new-key');
  });

  it('where copying is refused, selects the key and says to press Ctrl+C', async () => {
    const el = await render([]);
    createKey(el, 'CI');
    http
      .expectOne((r) => r.method === 'POST')
      .flush({ ...listed, id: 'g2', name: 'CI', apiKey: 'sk-sy-the-new-key-0123456789' });
    await vi.waitFor(() => expect(document.querySelector('gw-issued-key-dialog')).not.toBeNull());
    const dialog = document.querySelector('gw-issued-key-dialog')!;
    const writeText = vi.fn().mockRejectedValue(new Error('NotAllowedError'));
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    [...dialog.querySelectorAll('button')].find((b) => b.textContent?.includes('Copy key'))!.click();
    await vi.waitFor(() => {
      fixture.detectChanges();
      expect(dialog.querySelector('[role="status"]')?.textContent).toContain('press Ctrl+C');
    });
    const input = dialog.querySelector<HTMLInputElement>('input')!;
    expect(input.selectionStart).toBe(0);
    expect(input.selectionEnd).toBe('sk-sy-the-new-key-0123456789'.length);
  });

  it('asks for the password when the gateway wants a recent sign-in, then sends it', async () => {
    const el = await render([]);
    createKey(el, 'CI');
    http
      .expectOne((r) => r.method === 'POST')
      .flush(
        { status: 403, title: 'Forbidden', code: 'AUTH.REAUTHENTICATION_REQUIRED', detail: 'sign in again' },
        { status: 403, statusText: 'Forbidden' },
      );
    await vi.waitFor(() => {
      fixture.detectChanges();
      expect(el.querySelector('input[type="password"]')).not.toBeNull();
    });
    expect(el.textContent).toContain('enter your password');
    const password = el.querySelector<HTMLInputElement>('input[type="password"]')!;
    password.value = 'hunter2hunter2';
    password.dispatchEvent(new Event('input'));
    el.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    const retry = http.expectOne((r) => r.method === 'POST');
    expect(retry.request.body).toEqual({ name: 'CI', password: 'hunter2hunter2' });
    retry.flush({ ...listed, id: 'g2', name: 'CI', apiKey: 'sk-sy-the-new-key-0123456789' });
    await vi.waitFor(() => expect(document.querySelector('gw-issued-key-dialog')).not.toBeNull());
  });
});
