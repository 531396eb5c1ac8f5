import { provideHttpClient, withInterceptors } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
  type TestRequest,
} from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { problemInterceptor } from '../../core/http/interceptors';
import UsagePage from './usage-page';
import { breakdownOf, byKeyOf, forecastOf, pageOf, seriesOf, summaryOf } from './usage-test-data';

const ID = '0b9f6a8e-4a57-4c1e-9d53-1f6f2a0c7e11';
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('UsagePage', () => {
  let fixture: ComponentFixture<UsagePage>;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [UsagePage],
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(UsagePage);
  });

  afterEach(() => http.verify());

  const one = (path: string): TestRequest => http.expectOne((r) => r.url === `/api/v1/me/usage/${path}`);
  const text = (): string => (fixture.nativeElement as HTMLElement).textContent ?? '';
  const render = async (): Promise<void> => {
    await settle();
    await fixture.whenStable();
  };

  const answer = (requests: number, ids: readonly string[], capMicros: string | null = '10000000'): void => {
    one('summary').flush(summaryOf(requests, '1500000'));
    one('by-provider').flush(breakdownOf('provider', requests));
    one('by-model').flush(breakdownOf('model', requests));
    one('by-power-level').flush(breakdownOf('powerLevel', requests));
    one('by-key').flush(byKeyOf(requests));
    one('timeseries').flush(seriesOf(requests));
    one('requests').flush(pageOf(ids));
    one('forecast').flush(forecastOf(capMicros));
  };

  it('shows totals, shares, the forecast and requests that link to their explanation', async () => {
    fixture.detectChanges();
    answer(3, [ID]);
    await render();
    const el = fixture.nativeElement as HTMLElement;

    expect(el.querySelectorAll('h1')).toHaveLength(1);
    expect(el.querySelector('h1')?.textContent).toBe('Usage');
    const kpis = [...el.querySelectorAll('.kpi')].map((k) =>
      [...k.children].map((c) => c.textContent?.trim()).join(' '),
    );
    expect(kpis).toContain('Requests 3 0 streamed');
    expect(kpis).toContain('Charged $1.50 provider cost $1.50');
    for (const heading of ['By provider', 'By model', 'By power level', 'By gateway key', 'BYOK vs platform'])
      expect(text()).toContain(heading);
    expect(text()).toContain('CI key');
    expect(text()).toContain('sk-gw-…a1b2');
    expect(el.querySelector('[data-testid="month-to-date"]')?.textContent?.trim()).toBe('$2.50');
    expect(el.querySelector('[data-testid="forecast"]')?.textContent?.trim()).toBe('$12.00');
    expect(text()).toContain('of a $10.00 hard cap');
    expect(text()).toContain('requests will be refused once it is reached');

    const link = el.querySelector<HTMLAnchorElement>('table.requests a');
    expect(link?.getAttribute('href')).toBe(`/app/requests/${ID}`);
    expect(el.querySelectorAll('table.requests tbody tr')).toHaveLength(1);
    // The chart has a text alternative.
    expect(el.querySelector('gw-usage-series details table')).not.toBeNull();
    expect(el.querySelector('gw-usage-series canvas')?.getAttribute('aria-label')).toMatch(
      /Requests per hour/,
    );
  });

  it('says so when the range has no requests, and points to the playground', async () => {
    fixture.detectChanges();
    answer(0, [], null);
    await render();
    const el = fixture.nativeElement as HTMLElement;
    expect(text()).toContain('No requests in this range.');
    expect(el.querySelector('a[href="/app/playground"]')).not.toBeNull();
    expect(el.querySelector('.kpi')).toBeNull();
    expect(text()).toContain('No monthly cap');
  });

  it('loads the chosen preset and shows the custom date fields only for a custom range', async () => {
    fixture.detectChanges();
    answer(1, [ID]);
    await render();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('input[type="date"]')).toBeNull();

    const choose = async (label: string): Promise<void> => {
      el.querySelector<HTMLElement>('mat-select')!.click();
      await render();
      const option = [...document.querySelectorAll<HTMLElement>('mat-option')].find(
        (o) => o.textContent?.trim() === label,
      )!;
      option.click();
      await render();
    };
    await choose('30 days');
    const pending = http.match(() => true);
    const find = (path: string): TestRequest => pending.find((r) => r.request.url.endsWith(path))!;
    const from = new Date(find('summary').request.params.get('from')!).getTime();
    const to = new Date(find('summary').request.params.get('to')!).getTime();
    expect(to - from).toBe(30 * 86_400_000);
    expect(from % 86_400_000).toBe(0);
    expect(find('timeseries').request.params.get('bucket')).toBe('day');
    expect(pending).toHaveLength(8);
    find('summary').flush(summaryOf(1));
    find('by-provider').flush(breakdownOf('provider', 1));
    find('by-model').flush(breakdownOf('model', 1));
    find('by-power-level').flush(breakdownOf('powerLevel', 1));
    find('by-key').flush(byKeyOf(1));
    find('timeseries').flush({ ...seriesOf(0), bucket: 'day' });
    find('/requests').flush(pageOf([ID]));
    find('forecast').flush(forecastOf());
    await render();
    expect(el.querySelector('[role="alert"]')).toBeNull();

    await choose('Custom');
    const dates = el.querySelectorAll<HTMLInputElement>('input[type="date"]');
    expect(dates).toHaveLength(2);
    expect([...el.querySelectorAll('mat-form-field mat-label')].map((l) => l.textContent?.trim())).toEqual([
      'Time range',
      'From (UTC)',
      'To (UTC, included)',
    ]);
  });
});
