import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import { provideRouter } from '@angular/router';
import { problemInterceptor } from '../../core/http/interceptors';
import { AddKeyDialog } from './add-key-dialog';
import { aKey, providers } from './provider-keys-fixtures';
import { ProviderKeysStore } from './provider-keys-store';

describe('AddKeyDialog', () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<AddKeyDialog>;
  const close = vi.fn();

  const setUp = async (provider = providers().data[1]): Promise<HTMLElement> => {
    TestBed.configureTestingModule({
      imports: [AddKeyDialog],
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
        ProviderKeysStore,
        { provide: MAT_DIALOG_DATA, useValue: { provider } },
        { provide: MatDialogRef, useValue: { close } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(AddKeyDialog);
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  };

  afterEach(() => {
    http.verify();
    close.mockReset();
  });

  const type = (el: HTMLElement, selector: string, value: string): void => {
    const input = el.querySelector<HTMLInputElement | HTMLTextAreaElement>(selector)!;
    input.value = value;
    input.dispatchEvent(new Event('input'));
    input.dispatchEvent(new Event('blur'));
  };
  const click = (el: HTMLElement, text: string): void =>
    [...el.querySelectorAll('button')].find((b) => b.textContent?.trim() === text)!.click();
  const settle = async (): Promise<void> => {
    await fixture.whenStable();
    fixture.detectChanges();
  };

  it('has the provider fixed, a password field with a show/hide toggle and the format hint', async () => {
    const el = await setUp();
    expect(el.querySelector('h2')?.textContent).toContain('Add a key for Anthropic');
    const secret = el.querySelector<HTMLInputElement>('gw-key-secret-field input')!;
    expect(secret.type).toBe('password');
    expect(el.textContent).toContain('Expected: starts with sk-ant-');
    el.querySelector<HTMLButtonElement>('button[aria-label="Show key"]')!.click();
    await settle();
    expect(secret.type).toBe('text');
    expect(el.querySelector('button[aria-label="Hide key"]')?.getAttribute('aria-pressed')).toBe('true');
  });

  it('refuses a malformed key before any request', async () => {
    const el = await setUp();
    type(el, 'gw-key-secret-field input', 'sk-ant with space');
    click(el, 'Test connection');
    click(el, 'Save key');
    await settle();
    expect(el.querySelector('mat-error')?.textContent).toContain('no spaces');
    http.expectNone('/api/v1/me/keys/test');
    http.expectNone('/api/v1/me/keys');
  });

  it('"Test connection" shows the live result in a polite live region, then saves', async () => {
    const el = await setUp();
    type(el, 'gw-key-secret-field input', 'sk-ant-0123456789abcdef');
    click(el, 'Test connection');
    await settle();
    const check = http.expectOne('/api/v1/me/keys/test');
    expect(check.request.body).toEqual({ provider: 'anthropic', apiKey: 'sk-ant-0123456789abcdef' });
    check.flush({ ok: true, latencyMs: 87, error: null });
    await vi.waitFor(() => {
      fixture.detectChanges();
      const live = el.querySelector('[role="status"][aria-live="polite"]');
      expect(live?.textContent).toContain('Connection works: the provider accepted the key in 87 ms.');
    });

    type(el, 'input[formcontrolname="label"]', 'lab');
    click(el, 'Save key');
    await settle();
    const save = http.expectOne('/api/v1/me/keys');
    expect(save.request.body).toEqual({
      provider: 'anthropic',
      apiKey: 'sk-ant-0123456789abcdef',
      label: 'lab',
      validate: true,
    });
    const saved = aKey({ provider: 'anthropic' });
    save.flush(saved);
    await vi.waitFor(() => expect(close).toHaveBeenCalledWith(saved));
  });

  it('a key the provider refuses is not saved and the dialog says so', async () => {
    const el = await setUp();
    type(el, 'gw-key-secret-field input', 'sk-ant-0123456789abcdef');
    click(el, 'Save key');
    await settle();
    http.expectOne('/api/v1/me/keys').flush(
      {
        status: 400,
        code: 'KEYS.KEY_VALIDATION_FAILED',
        title: 'Bad Request',
        detail: 'anthropic did not accept this key (auth 401); it was not stored.',
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await vi.waitFor(() => {
      fixture.detectChanges();
      expect(el.querySelector('[aria-live="assertive"]')?.textContent).toContain('did not accept this key');
    });
    expect(close).not.toHaveBeenCalled();
  });

  it('a custom endpoint sends its URL and models', async () => {
    const el = await setUp(providers().data[2]);
    expect(el.querySelector('h2')?.textContent).toContain('Add an OpenAI-compatible endpoint');
    type(el, 'input[formcontrolname="baseUrl"]', 'https://llm.example.com/v1/');
    type(el, 'textarea[formcontrolname="models"]', 'llama3.2:3b, qwen2.5');
    type(el, 'gw-key-secret-field input', 'local-key-0123456789');
    click(el, 'Test connection');
    await settle();
    const check = http.expectOne('/api/v1/me/keys/test');
    expect(check.request.body).toEqual({
      provider: 'custom',
      apiKey: 'local-key-0123456789',
      baseUrl: 'https://llm.example.com/v1/',
      models: ['llama3.2:3b', 'qwen2.5'],
    });
    check.flush({ ok: false, latencyMs: 5, error: { kind: 'connection', status: null } });
    await vi.waitFor(() => {
      fixture.detectChanges();
      expect(el.querySelector('[role="status"]')?.textContent).toContain('could not be reached');
    });
    click(el, 'Save key');
    await settle();
    const save = http.expectOne('/api/v1/me/keys');
    expect(save.request.body).toEqual({
      provider: 'custom',
      apiKey: 'local-key-0123456789',
      validate: true,
      baseUrl: 'https://llm.example.com/v1/',
      models: ['llama3.2:3b', 'qwen2.5'],
    });
    save.flush(aKey({ provider: 'custom' }));
    await vi.waitFor(() => expect(close).toHaveBeenCalled());
  });
});
