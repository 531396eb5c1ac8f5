import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { problemInterceptor } from '../../core/http/interceptors';
import ProviderPage from './provider-page';
import { aDetail, aProvider } from './providers-fixtures';

// Rendering Material on a loaded 2-core box takes seconds per test.
describe('ProviderPage', { timeout: 20_000 }, () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<ProviderPage>;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [ProviderPage],
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => {
    http.verify();
    document.querySelectorAll('.cdk-overlay-container').forEach((c) => (c.innerHTML = ''));
  });

  const settle = async (until: () => void): Promise<void> =>
    vi.waitFor(() => {
      fixture.detectChanges();
      until();
    });
  const button = (root: Element, text: string): HTMLButtonElement =>
    [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent?.trim() === text)!;

  const render = async (): Promise<HTMLElement> => {
    fixture = TestBed.createComponent(ProviderPage);
    fixture.componentRef.setInput('slug', 'acme');
    fixture.detectChanges();
    http.expectOne('/api/v1/admin/providers/acme').flush(aProvider());
    http.expectOne('/api/v1/admin/providers/acme/health?window=24h').flush(aDetail());
    const el = fixture.nativeElement as HTMLElement;
    await settle(() => expect(el.querySelector('h1')?.textContent?.trim()).toBe('Acme AI'));
    return el;
  };

  it('shows the name as the one h1, the health numbers, credentials, chart and timeline', async () => {
    const el = await render();
    expect(el.querySelectorAll('h1')).toHaveLength(1);
    expect(el.querySelector('gw-health-chip')?.textContent).toContain('Healthy');
    for (const text of ['95%', '99.9%', '420 ms', '1,300 ms', '2,100 ms', '180 ms', 'Time to first token'])
      expect(el.textContent).toContain(text);
    expect(el.textContent).toContain('Server error (5xx)');
    expect(el.textContent).toContain('Platform key');
    expect(el.textContent).toContain('Users’ own keys (BYOK)');
    expect(el.querySelector('gw-health-chart canvas')?.getAttribute('aria-label')).toContain(
      '112 requests, 6 failed; the breaker was open in 1 hour',
    );
    const timeline = [...el.querySelectorAll('.timeline li')].map((li) => li.textContent);
    expect(timeline[0]).toContain('Recovered');
    expect(timeline[1]).toContain('5 consecutive failures');
    expect(el.textContent).toContain('sk-…wxyz');
  });

  it('tests the connection and shows the result with its latency', async () => {
    const el = await render();
    button(el, 'Test connection').click();
    http
      .expectOne('/api/v1/admin/providers/acme/test')
      .flush({ ok: true, latencyMs: 14.2, status: 200, modelsListed: 2, catalogModelsNotListed: [] });
    await settle(() =>
      expect(el.querySelector('.outcome')?.textContent).toContain('Connection works: HTTP 200 in 14 ms'),
    );
  });

  it('saves only the changed settings', async () => {
    const el = await render();
    const baseUrl = el.querySelector<HTMLInputElement>('input[formcontrolname="baseUrl"]')!;
    expect(baseUrl.value).toBe('https://api.acme.test/v1');
    baseUrl.value = 'https://eu.acme.test/v1';
    baseUrl.dispatchEvent(new Event('input'));
    const store = [...el.querySelectorAll('fieldset mat-checkbox')].find((c) =>
      c.textContent?.includes('Stored completions'),
    )!;
    store.querySelector<HTMLInputElement>('input')!.click();
    button(el, 'Save settings').click();
    const put = http.expectOne('/api/v1/admin/providers/acme');
    expect(put.request.method).toBe('PUT');
    expect(put.request.body).toEqual({ baseUrl: 'https://eu.acme.test/v1', allowedPaidParams: ['store'] });
    put.flush(aProvider({ baseUrl: 'https://eu.acme.test/v1', allowedPaidParams: ['store'] }));
    await settle(() => expect(el.textContent).toContain('Settings saved.'));
  });

  it('removes the platform key only after confirming', async () => {
    const el = await render();
    button(el, 'Remove key').click();
    await settle(() => expect(document.querySelector('gw-confirm-dialog')).not.toBeNull());
    const confirm = document.querySelector('gw-confirm-dialog')!;
    expect(confirm.textContent).toContain('sk-…wxyz');
    http.expectNone('/api/v1/admin/providers/acme');
    button(confirm, 'Remove key').click();
    const put = await vi.waitFor(() => http.expectOne('/api/v1/admin/providers/acme'));
    expect(put.request.body).toEqual({ apiKey: null });
    put.flush(aProvider({ platformKey: null, status: 'needs_key' }));
    await settle(() => expect(el.textContent).toContain('Platform key removed.'));
    expect(el.textContent).toContain('No platform key.');
    expect(button(el, 'Set key')).toBeTruthy();
  });

  it('replaces the platform key through the dialog, showing only the masked form after', async () => {
    const el = await render();
    button(el, 'Replace key').click();
    await settle(() => expect(document.querySelector('gw-replace-key-dialog')).not.toBeNull());
    const dialog = document.querySelector('gw-replace-key-dialog')!;
    const input = dialog.querySelector<HTMLInputElement>('input')!;
    input.value = 'sk-brand-new-0123456789';
    input.dispatchEvent(new Event('input'));
    button(dialog, 'Save key').click();
    const put = http.expectOne('/api/v1/admin/providers/acme');
    expect(put.request.body).toEqual({ apiKey: 'sk-brand-new-0123456789' });
    put.flush(
      aProvider({
        platformKey: { masked: 'sk-…6789', last4: '6789', kekVersion: 1, setAt: '2026-12-07T01:00:00.000Z' },
      }),
    );
    await settle(() => expect(el.textContent).toContain('Platform key saved: sk-…6789.'));
    expect(el.textContent).not.toContain('sk-brand-new-0123456789');
  });
});
