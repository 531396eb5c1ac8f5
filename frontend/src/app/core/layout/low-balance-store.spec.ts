import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { Me } from '../api/api';
import { AuthStore } from '../auth/auth-store';
import { isBelow, LOW_BALANCE_REFRESH_MS, LowBalanceStore } from './low-balance-store';

const user = (id: string): Me => ({
  id,
  name: id,
  roles: ['user'],
  tier: 'free',
  powerLevel: 'eco',
  allowedPowerLevels: ['eco'],
  byok: { allowed: false, keysPerProvider: 0 },
});

describe('isBelow', () => {
  it('compares integer micro-dollars exactly; no threshold never warns', () => {
    expect(isBelow('1999999', '2000000')).toBe(true);
    expect(isBelow('2000000', '2000000')).toBe(false);
    expect(isBelow('-5', '0')).toBe(true);
    expect(isBelow('9007199254740993', '9007199254740994')).toBe(true);
    expect(isBelow('1', null)).toBe(false);
    expect(isBelow('x', '5')).toBe(false);
  });
});

describe('LowBalanceStore', () => {
  let store: LowBalanceStore;
  let http: HttpTestingController;
  const me = signal<Me | null>(user('u1'));

  beforeEach(() => {
    sessionStorage.clear();
    me.set(user('u1'));
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: AuthStore, useValue: { me } },
      ],
    });
    store = TestBed.inject(LowBalanceStore);
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  const answer = async (balanceMicros: string, lowBalanceAlertMicros: string | null, done: Promise<void>) => {
    http.expectOne('/api/v1/me/credits').flush({ balanceMicros });
    http.expectOne('/api/v1/me/settings').flush({ lowBalanceAlertMicros });
    await done;
  };

  it('is visible below the threshold, not at or above it, nor without one', async () => {
    await answer('1000000', '2000000', store.refresh(0));
    expect(store.visible()).toBe(true);
    expect(store.balanceMicros()).toBe('1000000');
    await answer('2000000', '2000000', store.refresh(1));
    expect(store.visible()).toBe(false);
    await answer('1', null, store.refresh(2));
    expect(store.visible()).toBe(false);
  });

  it('reads again on navigation at most every 30 s', async () => {
    await answer('1000000', '2000000', store.refreshIfStale(1_000));
    await store.refreshIfStale(1_000 + LOW_BALANCE_REFRESH_MS - 1);
    http.expectNone('/api/v1/me/credits');
    await answer('5000000', '2000000', store.refreshIfStale(1_000 + LOW_BALANCE_REFRESH_MS));
    expect(store.visible()).toBe(false);
  });

  it('another user signed in: the last user’s reading is not shown, and is read again at once', async () => {
    await answer('1000000', '2000000', store.refreshIfStale(0));
    me.set(user('u2'));
    expect(store.visible()).toBe(false);
    await answer('3000000', null, store.refreshIfStale(1));
    expect(store.balanceMicros()).toBe('3000000');
  });

  it('dismissed for the session (survives a new store in the same tab); a new threshold shows it again', async () => {
    await answer('1000000', '2000000', store.refresh(0));
    store.dismiss();
    expect(store.visible()).toBe(false);
    expect(sessionStorage.getItem('gw.lowBalanceDismissed')).toBe('u1');
    store.report({ thresholdMicros: '3000000' }, 1);
    expect(store.visible()).toBe(true);
    expect(store.thresholdMicros()).toBe('3000000');
  });

  it('a failed read keeps what was known', async () => {
    await answer('1000000', '2000000', store.refresh(0));
    const again = store.refresh(LOW_BALANCE_REFRESH_MS);
    http.expectOne('/api/v1/me/credits').flush(null, { status: 503, statusText: 'x' });
    http.expectOne('/api/v1/me/settings').flush({ lowBalanceAlertMicros: '2000000' });
    await again;
    expect(store.visible()).toBe(true);
  });
});
