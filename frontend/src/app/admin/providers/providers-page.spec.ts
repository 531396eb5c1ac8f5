import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { problemInterceptor } from '../../core/http/interceptors';
import { aProvider, aReport, aSummary } from './providers-fixtures';
import ProvidersPage from './providers-page';

// Rendering Material on a loaded 2-core box takes seconds per test.
describe('ProvidersPage', { timeout: 20_000 }, () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<ProvidersPage>;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [ProvidersPage],
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

  const render = async (): Promise<HTMLElement> => {
    fixture = TestBed.createComponent(ProvidersPage);
    fixture.detectChanges();
    http.expectOne('/api/v1/admin/providers').flush({
      data: [aProvider(), aProvider({ slug: 'zed', name: 'Zed', status: 'needs_key', platformKey: null })],
    });
    http.expectOne('/api/v1/admin/providers/health?window=24h').flush(
      aReport([
        aSummary(),
        aSummary({
          provider: 'zed',
          name: 'Zed',
          status: 'degraded',
          successRate: 0.5,
          lastChange: { kind: 'degraded', at: '2026-12-06T20:00:00.000Z', reason: '5 consecutive failures' },
        }),
      ]),
    );
    const el = fixture.nativeElement as HTMLElement;
    await settle(() => expect(el.querySelector('gw-page-state mat-spinner')).toBeNull());
    return el;
  };

  it('shows one h1 and a card per provider: status chip, numbers, link to its page', async () => {
    const el = await render();
    expect([...el.querySelectorAll('h1')].map((h) => h.textContent?.trim())).toEqual(['Providers']);
    const cards = [...el.querySelectorAll('mat-card')];
    expect(cards.map((c) => c.querySelector('h2')?.textContent?.trim())).toEqual(['Zed', 'Acme AI']);
    expect(cards[0].querySelector('gw-health-chip')?.textContent).toContain('Degraded');
    expect(cards[0].textContent).toContain('Needs a platform key');
    expect(cards[0].textContent).toContain('50%');
    expect(cards[0].textContent).toContain('5 consecutive failures');
    const acme = cards[1].textContent!;
    expect(cards[1].querySelector('gw-health-chip')?.textContent).toContain('Healthy');
    for (const text of ['95%', '99.9%', '420 ms', '1,300 ms', '120']) expect(acme).toContain(text);
    expect(cards[1].querySelector('h2 a')?.getAttribute('href')).toBe('/admin/providers/acme');
    expect(el.textContent).toContain('1 healthy');
    expect(el.textContent).toContain('1 degraded');
  });

  it('picks another window and shows its numbers', async () => {
    const el = await render();
    const toggle = [...el.querySelectorAll<HTMLButtonElement>('mat-button-toggle button')].find(
      (b) => b.textContent?.trim() === '1h',
    )!;
    toggle.click();
    http
      .expectOne('/api/v1/admin/providers/health?window=1h')
      .flush(aReport([aSummary({ status: 'down', requests: 7 })]));
    await settle(() => expect(el.textContent).toContain('1 down'));
  });

  it('disables a provider with its toggle', async () => {
    const el = await render();
    const acme = el.querySelector('mat-card[data-provider="acme"]')!;
    acme.querySelector<HTMLButtonElement>('mat-slide-toggle button')!.click();
    const req = http.expectOne('/api/v1/admin/providers/acme');
    expect(req.request.body).toEqual({ enabled: false });
    req.flush(aProvider({ enabled: false, status: 'disabled' }));
    await settle(() => expect(el.querySelector('.notice')?.textContent).toContain('Acme AI is disabled.'));
    expect(acme.textContent).toContain('Disabled');
  });

  it('adds a provider through the dialog: slug from the name, only what was filled', async () => {
    const el = await render();
    [...el.querySelectorAll('button')].find((b) => b.textContent?.includes('Add provider'))!.click();
    await settle(() => expect(document.querySelector('gw-add-provider-dialog')).not.toBeNull());
    const dialog = document.querySelector('gw-add-provider-dialog')!;
    const type = (name: string, value: string) => {
      const input = dialog.querySelector<HTMLInputElement>(`input[formcontrolname="${name}"]`)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    // an invalid URL is refused in the form, not sent
    type('name', 'Local vLLM');
    type('baseUrl', 'not a url');
    dialog.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await settle(() => expect(dialog.textContent).toContain('This is not a URL'));
    http.expectNone('/api/v1/admin/providers');

    type('baseUrl', 'http://127.0.0.1:8000/v1');
    const key = dialog.querySelector<HTMLInputElement>('gw-secret-field input')!;
    key.value = 'sk-local-0123456789';
    key.dispatchEvent(new Event('input'));
    dialog.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    const req = http.expectOne((r) => r.method === 'POST' && r.url === '/api/v1/admin/providers');
    expect(req.request.body).toEqual({
      slug: 'local-vllm',
      name: 'Local vLLM',
      kind: 'openai-compatible',
      baseUrl: 'http://127.0.0.1:8000/v1',
      requiresKey: true,
      enabled: true,
      allowedPaidParams: [],
      apiKey: 'sk-local-0123456789',
    });
    req.flush(aProvider({ slug: 'local-vllm', name: 'Local vLLM', models: 0 }));
    await settle(() => expect(el.querySelector('.notice')?.textContent).toContain('Added Local vLLM'));
    expect(el.textContent).not.toContain('sk-local-0123456789');
    expect(el.querySelector('mat-card[data-provider="local-vllm"]')).not.toBeNull();
  });

  it('shows the page error with a retry when the list fails', async () => {
    fixture = TestBed.createComponent(ProvidersPage);
    fixture.detectChanges();
    http
      .expectOne('/api/v1/admin/providers')
      .flush({ status: 500, code: 'INTERNAL', correlationId: 'req-9' }, { status: 500, statusText: 'x' });
    http.expectOne('/api/v1/admin/providers/health?window=24h').flush(aReport());
    const el = fixture.nativeElement as HTMLElement;
    await settle(() => expect(el.querySelector('[role="alert"]')?.textContent).toContain('req-9'));
    expect(el.querySelectorAll('h1')).toHaveLength(1);
  });
});
