import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { problemInterceptor } from '../../core/http/interceptors';
import { overview } from './overview-fixtures';
import { describeChange, moneyDigits, OverviewStore, percentChange } from './overview-store';

describe('OverviewStore', () => {
  let store: OverviewStore;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
        OverviewStore,
      ],
    });
    store = TestBed.inject(OverviewStore);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  it('loads the overview and compares today with yesterday', async () => {
    const done = store.load();
    http.expectOne('/api/v1/admin/overview').flush(overview);
    await done;
    expect(store.overview()).toEqual(overview);
    expect(store.requestsChange()).toBe(50);
    expect(store.chargeChange()).toBe(-25);
    expect(store.refusals()).toBe(7);
  });

  it('keeps a failure as an ApiError', async () => {
    const done = store.load();
    http
      .expectOne('/api/v1/admin/overview')
      .flush({ status: 503, title: 'Unavailable', code: 'UNAVAILABLE' }, { status: 503, statusText: 'x' });
    await done;
    expect(store.error()?.status).toBe(503);
    expect(store.overview()).toBeNull();
  });

  it('describes a change in words', () => {
    expect(percentChange(3, 0)).toBeNull();
    expect(describeChange(null)).toBe('');
    expect(describeChange(0)).toBe('same as yesterday');
    expect(describeChange(12.5)).toBe('+12.5 % vs yesterday');
    expect(describeChange(-25)).toBe('−25 % vs yesterday');
    expect(moneyDigits('3000000', '0')).toBe(2);
    expect(moneyDigits('300', '3000000')).toBe(6);
  });
});
