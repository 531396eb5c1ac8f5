import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection, signal } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { Me } from '../../core/api/api';
import { AuthStore } from '../../core/auth/auth-store';
import { problemInterceptor } from '../../core/http/interceptors';
import SettingsPage from './settings-page';
import { ESTIMATE, isPastAt, pastAt, SETTINGS } from './settings-fixtures';

const FREE_USER: Me = {
  id: 'u1',
  name: 'Demo',
  roles: ['user'],
  tier: 'free',
  powerLevel: 'balanced',
  allowedPowerLevels: ['eco', 'balanced'],
  byok: { allowed: false, keysPerProvider: 0 },
};

describe('SettingsPage', () => {
  let fixture: ComponentFixture<SettingsPage>;
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
          useValue: {
            me: signal(FREE_USER),
            accessToken: signal('t'),
            sessionEnded: vi.fn(),
            reloadProfile: vi.fn(() => Promise.resolve()),
          },
        },
      ],
    });
    fixture = TestBed.createComponent(SettingsPage);
    http = TestBed.inject(HttpTestingController);
    page = fixture.nativeElement as HTMLElement;
    http.expectOne('/api/v1/me/settings/estimate').flush(ESTIMATE);
    http.expectOne('/api/v1/me/settings').flush({ ...SETTINGS, monthlyCapMicros: '12500000' });
    (await vi.waitFor(() => http.expectOne(isPastAt('eco')))).flush(pastAt('eco'));
    await fixture.whenStable();
  });
  afterEach(() => http.verify());

  const radio = (label: string): HTMLInputElement => {
    const input = [...page.querySelectorAll<HTMLInputElement>('input[type="radio"]')].find(
      (i) => page.querySelector(`label[for="${i.id}"]`)?.textContent?.trim() === label,
    );
    if (!input) throw new Error(`no radio ${label}`);
    return input;
  };

  it('has one h1, the saved choices, and each level’s live estimate', () => {
    expect(page.querySelectorAll('h1')).toHaveLength(1);
    expect(radio('Balanced').checked).toBe(true);
    const text = page.textContent ?? '';
    expect(text).toContain('1,000 prompt + 500 completion tokens');
    expect(text).toContain('$0.0210'); // balanced: 21,000 micro-dollars, 4 decimals
    expect(text).toContain('sage/medium');
    expect(text).toContain('$0.000450'); // eco: under a cent, so 6 decimals
    expect(page.querySelector<HTMLInputElement>('input[formcontrolname="cap"]')?.value).toBe('12.50');
  });

  it('says what the last 30 days would have cost at another level, not at the saved one', async () => {
    const eco = (): string | undefined =>
      page.querySelector('#level-eco-about .past')?.textContent?.replace(/\s+/g, ' ').trim();
    await vi.waitFor(() => {
      fixture.detectChanges();
      expect(eco()).toBeDefined();
    });
    expect(eco()).toBe('Your last 30 days (12 requests) at Eco would have cost $0.0450 instead of $0.1200.');
    expect(page.querySelector('#level-balanced-about .past')).toBeNull();
    expect(page.querySelector('#level-precision-about .past')).toBeNull();
  });

  it('shows a level the tier does not include as disabled, with why', () => {
    expect(radio('Precision').disabled).toBe(true);
    expect(radio('Eco').disabled).toBe(false);
    const about = page.querySelector('#level-precision-about')?.textContent ?? '';
    expect(about).toContain('Not included in your free tier.');
    expect(about).toContain('needs the professional tier');
  });

  it('refuses a cap that is not an amount, without calling the gateway', async () => {
    const cap = page.querySelector<HTMLInputElement>('input[formcontrolname="cap"]')!;
    cap.value = '12,5 dollars';
    cap.dispatchEvent(new Event('input'));
    page.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await fixture.whenStable();
    http.expectNone({ method: 'PUT' });
    expect(page.querySelector('mat-error')?.textContent).toContain('Enter an amount');
  });

  it('saves the new level and cap in micro-dollars, and says so', async () => {
    radio('Eco').click();
    const cap = page.querySelector<HTMLInputElement>('input[formcontrolname="cap"]')!;
    cap.value = '';
    cap.dispatchEvent(new Event('input'));
    page.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    const put = http.expectOne({ method: 'PUT', url: '/api/v1/me/settings' });
    expect(put.request.body).toEqual({ powerLevel: 'eco', monthlyCapMicros: null });
    put.flush({ ...SETTINGS, powerLevel: 'eco' });
    (await vi.waitFor(() => http.expectOne('/api/v1/me/settings/estimate'))).flush(ESTIMATE);
    (await vi.waitFor(() => http.expectOne(isPastAt('balanced')))).flush(pastAt('balanced'));
    await fixture.whenStable();
    expect(page.querySelector('.saved')?.textContent).toContain('Settings saved.');
  });
});
