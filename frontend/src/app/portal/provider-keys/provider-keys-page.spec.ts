import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { problemInterceptor } from '../../core/http/interceptors';
import type { KeyView } from './provider-keys-api';
import { aKey, providers } from './provider-keys-fixtures';
import ProviderKeysPage from './provider-keys-page';
import type { KeyProvidersView } from './provider-keys-api';

describe('ProviderKeysPage', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [ProviderKeysPage],
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  const render = async (byok: KeyProvidersView, keys: KeyView[]): Promise<HTMLElement> => {
    const fixture = TestBed.createComponent(ProviderKeysPage);
    fixture.detectChanges();
    http.expectOne('/api/v1/me/keys/providers').flush(byok);
    http.expectOne('/api/v1/me/keys').flush({ data: keys });
    const el = fixture.nativeElement as HTMLElement;
    // the page leaves its loading state once both answers are in
    await vi.waitFor(() => {
      fixture.detectChanges();
      expect(el.querySelector('gw-page-state mat-spinner')).toBeNull();
    });
    return el;
  };

  it('shows one h1 and a card per provider with connected / not connected and the key masked', async () => {
    const page = await render(providers(), [aKey()]);
    expect(page.querySelectorAll('h1')).toHaveLength(1);
    const cards = [...page.querySelectorAll('gw-provider-card')];
    expect(cards.map((c) => c.querySelector('h2')?.textContent?.trim())).toEqual([
      'OpenAI',
      'Anthropic',
      'Custom OpenAI-compatible endpoints',
    ]);
    expect(cards[0].textContent).toContain('Connected');
    expect(cards[0].textContent).toContain('sk-…abcd');
    expect(cards[1].textContent).toContain('Not connected');
    const buttons = (card: Element) => [...card.querySelectorAll('button')].map((b) => b.textContent?.trim());
    expect(buttons(cards[0])).toEqual(expect.arrayContaining(['Test key', 'Rotate', 'Delete']));
    expect(buttons(cards[1])).toContain('Add key');
    expect(buttons(cards[2])).toContain('Add endpoint');
  });

  it('the free tier sees what unlocks BYOK instead of the forms', async () => {
    const page = await render(
      { data: [], byok: { allowed: false, keysPerProvider: 0, unlockedBy: 'starter' } },
      [],
    );
    expect(page.textContent).toContain('BYOK is not part of your tier');
    expect(page.textContent).toContain('starter tier unlocks');
    expect(page.querySelectorAll('gw-provider-card')).toHaveLength(0);
    expect([...page.querySelectorAll('button')].some((b) => b.textContent?.includes('Add'))).toBe(false);
  });

  it('without the unlocking tier from the gateway, says BYOK is on paid tiers', async () => {
    const page = await render(
      { data: [], byok: { allowed: false, keysPerProvider: 0, unlockedBy: null } },
      [],
    );
    expect(page.textContent).toContain('BYOK is available on paid tiers');
  });
});
