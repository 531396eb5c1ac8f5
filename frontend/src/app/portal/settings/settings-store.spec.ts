import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { AuthStore } from '../../core/auth/auth-store';
import { problemInterceptor } from '../../core/http/interceptors';
import { SettingsApi } from './settings-api';
import { ESTIMATE, isPastAt, pastAt, SETTINGS } from './settings-fixtures';
import { changesBetween, microsToDollarsText, SettingsStore } from './settings-store';

describe('microsToDollarsText', () => {
  it('shows a cap as an editable dollar amount, exactly', () => {
    expect(microsToDollarsText('5000000')).toBe('5.00');
    expect(microsToDollarsText('12500000')).toBe('12.50');
    expect(microsToDollarsText('1234567')).toBe('1.234567');
    expect(microsToDollarsText('0')).toBe('0.00');
    expect(microsToDollarsText(null)).toBe('');
  });
});

describe('changesBetween', () => {
  it('keeps only the fields that differ (a removed cap is an explicit null)', () => {
    expect(changesBetween(SETTINGS, { ...SETTINGS })).toEqual({});
    expect(
      changesBetween({ ...SETTINGS, monthlyCapMicros: '5000000' }, { ...SETTINGS, powerLevel: 'eco' }),
    ).toEqual({ powerLevel: 'eco', monthlyCapMicros: null });
  });
});

describe('SettingsStore', () => {
  let store: SettingsStore;
  let http: HttpTestingController;
  let reloadProfile: ReturnType<typeof vi.fn>;

  beforeEach(() => {
    reloadProfile = vi.fn(() => Promise.resolve());
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
        {
          provide: AuthStore,
          useValue: {
            sessionEnded: vi.fn(),
            reloadProfile,
            accessToken: signal('t'),
            me: signal({ allowedPowerLevels: ['eco', 'balanced'] }),
          },
        },
        SettingsApi,
        SettingsStore,
      ],
    });
    store = TestBed.inject(SettingsStore);
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  const flushLoad = async (): Promise<void> => {
    const loading = store.load();
    http.expectOne('/api/v1/me/settings/estimate').flush(ESTIMATE);
    http.expectOne('/api/v1/me/settings').flush(SETTINGS);
    (await vi.waitFor(() => http.expectOne(isPastAt('eco')))).flush(pastAt('eco'));
    await loading;
  };

  it('loads the settings and the estimate side by side', async () => {
    expect(store.loading()).toBe(true);
    await flushLoad();
    expect(store.loading()).toBe(false);
    expect(store.settings()).toEqual(SETTINGS);
    expect(store.estimate()?.levels[1].estimatedCostMicros).toBe('21000');
  });

  it('replays the last 30 days at each allowed level other than the saved one, and again after a new level', async () => {
    await flushLoad();
    http.expectNone(isPastAt('balanced'));
    http.expectNone(isPastAt('precision')); // not in the tier
    expect([...store.past().keys()]).toEqual(['eco']);
    expect(store.past().get('eco')?.wouldChargeMicros).toBe('45000');
    const saving = store.save({ ...SETTINGS, powerLevel: 'eco' });
    http.expectOne({ method: 'PUT', url: '/api/v1/me/settings' }).flush({ ...SETTINGS, powerLevel: 'eco' });
    (await vi.waitFor(() => http.expectOne('/api/v1/me/settings/estimate'))).flush(ESTIMATE);
    (await vi.waitFor(() => http.expectOne(isPastAt('balanced')))).flush(pastAt('balanced'));
    await saving;
    expect([...store.past().keys()]).toEqual(['balanced']);
  });

  it('a refused comparison is its own error (a 429 while the gateway is busy) and can be asked again', async () => {
    const loading = store.load();
    http.expectOne('/api/v1/me/settings/estimate').flush(ESTIMATE);
    http.expectOne('/api/v1/me/settings').flush(SETTINGS);
    (await vi.waitFor(() => http.expectOne(isPastAt('eco')))).flush(
      {
        type: 'about:blank',
        title: 'rate_limit_error',
        status: 429,
        detail: 'Other estimates are being computed right now; try again in a few seconds.',
        code: 'WHAT_IF.BUSY',
        correlationId: 'c-3',
      },
      {
        status: 429,
        statusText: 'Too Many Requests',
        headers: { 'content-type': 'application/problem+json' },
      },
    );
    await loading;
    expect(store.error()).toBeNull();
    expect(store.pastError()?.describe()).toContain('try again in a few seconds');
    expect(store.past().size).toBe(0);
    const again = store.reloadPast();
    http.expectOne(isPastAt('eco')).flush(pastAt('eco'));
    await again;
    expect(store.pastError()).toBeNull();
    expect(store.past().get('eco')?.requests).toBe(12);
  });

  it('a failed estimate is its own error: the settings still load', async () => {
    const loading = store.load();
    http.expectOne('/api/v1/me/settings/estimate').flush(
      { code: 'INTERNAL', title: 'Internal', status: 500, correlationId: 'c-9' },
      {
        status: 500,
        statusText: 'Error',
      },
    );
    http.expectOne('/api/v1/me/settings').flush(SETTINGS);
    (await vi.waitFor(() => http.expectOne(isPastAt('eco')))).flush(pastAt('eco'));
    await loading;
    expect(store.error()).toBeNull();
    expect(store.settings()).toEqual(SETTINGS);
    expect(store.estimateError()?.describe()).toContain('c-9');
  });

  it('saves only what changed; a new power level re-fetches the estimate and the profile', async () => {
    await flushLoad();
    const saving = store.save({ ...SETTINGS, powerLevel: 'eco' });
    const put = http.expectOne({ method: 'PUT', url: '/api/v1/me/settings' });
    expect(put.request.body).toEqual({ powerLevel: 'eco' });
    put.flush({ ...SETTINGS, powerLevel: 'eco' });
    (await vi.waitFor(() => http.expectOne('/api/v1/me/settings/estimate'))).flush(ESTIMATE);
    (await vi.waitFor(() => http.expectOne(isPastAt('balanced')))).flush(pastAt('balanced'));
    expect(await saving).toBe(true);
    expect(store.settings()?.powerLevel).toBe('eco');
    expect(store.saved()).toBe('Settings saved.');
    expect(reloadProfile).toHaveBeenCalledTimes(1);
  });

  it('a cap change alone neither re-fetches the estimate nor the profile', async () => {
    await flushLoad();
    const saving = store.save({ ...SETTINGS, monthlyCapMicros: '25000000', capMode: 'hard' });
    const put = http.expectOne({ method: 'PUT', url: '/api/v1/me/settings' });
    expect(put.request.body).toEqual({ monthlyCapMicros: '25000000', capMode: 'hard' });
    put.flush({ ...SETTINGS, monthlyCapMicros: '25000000', capMode: 'hard' });
    expect(await saving).toBe(true);
    http.expectNone('/api/v1/me/settings/estimate');
    expect(reloadProfile).not.toHaveBeenCalled();
  });

  it('shows the problem+json detail of a refused save and keeps the saved settings', async () => {
    await flushLoad();
    const saving = store.save({ ...SETTINGS, powerLevel: 'precision' });
    http.expectOne({ method: 'PUT', url: '/api/v1/me/settings' }).flush(
      {
        type: 'about:blank',
        title: 'permission_error',
        status: 403,
        detail: 'The precision power level needs the professional tier.',
        code: 'ACCOUNTS.POWER_LEVEL_NOT_ALLOWED',
        correlationId: 'c-1',
      },
      { status: 403, statusText: 'Forbidden', headers: { 'content-type': 'application/problem+json' } },
    );
    expect(await saving).toBe(false);
    expect(store.saveError()?.code).toBe('ACCOUNTS.POWER_LEVEL_NOT_ALLOWED');
    expect(store.saveError()?.describe()).toBe('The precision power level needs the professional tier.');
    expect(store.settings()).toEqual(SETTINGS);
    expect(store.saved()).toBeNull();
    expect(reloadProfile).not.toHaveBeenCalled();
  });

  it('sends nothing when nothing changed', async () => {
    await flushLoad();
    expect(await store.save({ ...SETTINGS })).toBe(true);
    http.expectNone({ method: 'PUT' });
    expect(store.saved()).toMatch(/Nothing changed/);
  });
});
