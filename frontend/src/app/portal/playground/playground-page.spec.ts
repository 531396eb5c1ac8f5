import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection, signal } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { Me } from '../../core/api/api';
import { AuthStore } from '../../core/auth/auth-store';
import { problemInterceptor } from '../../core/http/interceptors';
import type { ChatStreamEvent } from './chat-stream';
import PlaygroundPage from './playground-page';
import { PlaygroundApi, type CatalogModelView, type CatalogModelsView } from './playground-api';
import { EXPLANATION_RETRY_DELAYS_MS } from './playground-store';

const ME: Me = {
  id: 'u1',
  name: 'Demo',
  roles: ['user'],
  tier: 'free',
  powerLevel: 'balanced',
  allowedPowerLevels: ['eco', 'balanced'],
  byok: { allowed: false, keysPerProvider: 0 },
};

const model = (id: string, name: string, usable: boolean): CatalogModelView => ({
  id,
  provider: id.split('/')[0],
  providerName: id.split('/')[0].toUpperCase(),
  name,
  capabilities: ['streaming'],
  contextWindow: 128000,
  maxOutputTokens: null,
  inputPerMTokMicros: '150000',
  outputPerMTokMicros: '600000',
  cachedInputPerMTokMicros: '75000',
  powerLevels: ['eco'],
  p50LatencyMs: null,
  typicalLatencyMs: 400,
  health: 'healthy',
  usableOnMyTier: usable,
  unlockTier: usable ? null : 'professional',
  enabled: true,
  requiresOwnKey: false,
  deprecated: null,
});

const CATALOG: CatalogModelsView = {
  models: [model('swift/mini', 'Swift Mini', true), model('sage/large', 'Sage Large', false)],
  aliases: [
    { name: 'auto', description: 'The router picks a model at your power level.' },
    { name: 'eco', description: 'Cheapest first.' },
  ],
};

const REQUEST_ID = '3f1c2a8e-5b7d-4c1e-9a0b-333333333333';

describe('PlaygroundPage', () => {
  let fixture: ComponentFixture<PlaygroundPage>;
  let http: HttpTestingController;
  let page: HTMLElement;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
        {
          provide: AuthStore,
          useValue: { me: signal(ME), accessToken: signal('tok'), sessionEnded: vi.fn() },
        },
        { provide: EXPLANATION_RETRY_DELAYS_MS, useValue: [0] },
      ],
    });
    fixture = TestBed.createComponent(PlaygroundPage);
    http = TestBed.inject(HttpTestingController);
    page = fixture.nativeElement as HTMLElement;
    http.expectOne('/api/v1/catalog/models').flush(CATALOG);
    await fixture.whenStable();
  });
  afterEach(() => http.verify());

  it('has one h1, labelled fields and the session as the default key', () => {
    expect(page.querySelectorAll('h1')).toHaveLength(1);
    const labels = [...page.querySelectorAll('mat-label')].map((l) => l.textContent?.trim());
    expect(labels).toEqual(expect.arrayContaining(['Model', 'Power level', 'Message']));
    const checked = page.querySelector<HTMLInputElement>('input[type="radio"]:checked');
    expect(page.querySelector(`label[for="${checked?.id}"]`)?.textContent).toContain('This session');
  });

  it('sends the message and shows the streamed answer, the details and the explanation link', async () => {
    const api = fixture.debugElement.injector.get(PlaygroundApi);
    const sent = vi.spyOn(api, 'streamChat').mockImplementation(async function* () {
      const events: ChatStreamEvent[] = [
        {
          kind: 'meta',
          meta: {
            requestId: REQUEST_ID,
            provider: 'swift',
            model: 'swift/mini',
            attempts: 2,
            byok: null,
            capWarning: null,
            deprecated: null,
            ignoredParams: null,
          },
        },
        { kind: 'delta', text: 'Hello ' },
        { kind: 'delta', text: 'world' },
        {
          kind: 'usage',
          usage: {
            promptTokens: 4,
            completionTokens: 2,
            totalTokens: 6,
            costMicros: '1500',
            chargeMicros: '1800',
          },
        },
        { kind: 'done' },
      ];
      yield* events;
    });
    const textarea = page.querySelector('textarea')!;
    textarea.value = 'Say hello';
    textarea.dispatchEvent(new Event('input'));
    page.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    (await vi.waitFor(() => http.expectOne(`/api/v1/requests/${REQUEST_ID}`))).flush({
      requestId: REQUEST_ID,
      requestedModel: 'auto',
      powerLevel: 'balanced',
      outcome: 'completed',
      finalModelId: 'swift/mini',
      usage: null,
    });
    await fixture.whenStable();

    expect(sent).toHaveBeenCalledWith(
      { model: 'auto', message: 'Say hello', powerLevel: null },
      'tok',
      expect.any(AbortSignal),
    );
    expect(page.querySelector('.answer')?.textContent?.trim()).toBe('Hello world');
    const details = page.querySelector('.details')?.textContent ?? '';
    expect(details).toContain('swift/mini');
    expect(details).toContain('2 (fell back)');
    expect(details).toContain('4 in · 2 out');
    expect(details).toContain('$0.001500');
    expect(details).toContain('$0.001800');
    const link = page.querySelector<HTMLAnchorElement>('.explain a');
    expect(link?.getAttribute('href')).toBe(`/app/requests/${REQUEST_ID}`);
    expect(page.textContent).toContain('Answer complete: 6 tokens.');
  });

  it('does not send an empty message', async () => {
    const api = fixture.debugElement.injector.get(PlaygroundApi);
    const sent = vi.spyOn(api, 'streamChat');
    page.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await fixture.whenStable();
    expect(sent).not.toHaveBeenCalled();
    expect(page.querySelector('mat-error')?.textContent).toContain('Write a message');
  });
});
