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
import { breakdownOf, seriesOf } from '../../portal/usage/usage-test-data';
import AdminUsagePage from './admin-usage-page';
import { adminSummaryOf, byUserOf, spender } from './admin-usage-test-data';

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('AdminUsagePage', () => {
  let fixture: ComponentFixture<AdminUsagePage>;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [AdminUsagePage],
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(AdminUsagePage);
  });

  afterEach(() => http.verify());

  const one = (path: string): TestRequest => http.expectOne((r) => r.url === `/api/v1/admin/usage/${path}`);
  const el = (): HTMLElement => fixture.nativeElement as HTMLElement;
  const text = (): string => el().textContent ?? '';
  const render = async (): Promise<void> => {
    await settle();
    await fixture.whenStable();
  };

  const answer = (requests: number): void => {
    one('summary').flush(adminSummaryOf(requests, '2000000', '1500000'));
    one('by-provider').flush(breakdownOf('provider', requests));
    one('by-model').flush(breakdownOf('model', requests));
    one('by-power-level').flush(breakdownOf('powerLevel', requests));
    one('timeseries').flush(seriesOf(requests));
    one('by-user').flush(
      byUserOf(
        requests === 0
          ? []
          : [spender('u-ada', 'Ada', '1500000', '1000000'), spender('u-gone', null, '500000', '600000')],
        requests === 0 ? 0 : 7,
      ),
    );
  };

  it('shows totals with margin, both charts, the breakdowns and the top spenders linked to users', async () => {
    fixture.detectChanges();
    answer(3);
    await render();
    expect(el().querySelectorAll('h1')).toHaveLength(1);
    expect(el().querySelector('h1')?.textContent).toBe('All usage');
    const tiles = [...el().querySelectorAll('.kpi')].map((k) =>
      [...k.children].map((c) => c.textContent?.trim()).join(' '),
    );
    expect(tiles).toContain('Requests 3 0 streamed');
    expect(tiles).toContain('Provider cost $1.50 BYOK 0% of it');
    expect(tiles).toContain('Charged $2.00 to users, all fees included');
    expect(tiles).toContain('Margin 25% $0.50 = charged − provider cost');
    expect(tiles.some((t) => t.startsWith('Fallback rate 0%'))).toBe(true);
    expect(tiles.some((t) => t.startsWith('Failure rate 0%'))).toBe(true);
    for (const heading of ['By provider', 'By model', 'By power level', 'BYOK vs platform', 'Top spenders'])
      expect(text()).toContain(heading);
    expect(el().querySelector('gw-usage-series canvas')).not.toBeNull();
    expect(el().querySelector('gw-cost-charge-chart canvas')?.getAttribute('aria-label')).toMatch(
      /Charged and provider cost per hour .* charged \$1\.50, provider cost \$1\.50, margin \$0\.00 \(0%\)/,
    );

    const rows = [...el().querySelectorAll('gw-top-spenders tbody tr')];
    expect(rows).toHaveLength(2);
    // The user cell's name and handle (or id) are separate lines: their texts joined with a space.
    const cells = (r: Element): string[] =>
      [...r.children].map((c) =>
        c.children.length > 0
          ? [...c.children].map((x) => x.textContent?.trim()).join(' ')
          : (c.textContent?.trim() ?? ''),
      );
    expect(cells(rows[0]!)).toEqual(['1', 'Ada ada', '3', '45', '$1.50', '50%', '$1.00', '$0.50', '33.3%']);
    expect(rows[0]!.querySelector('a')?.getAttribute('href')).toBe('/admin/users/u-ada');
    // A deleted account: no link, its id, and a loss shown as negative.
    expect(rows[1]!.querySelector('a')).toBeNull();
    expect(cells(rows[1]!)[1]).toBe('Deleted account u-gone');
    expect(cells(rows[1]!)[7]).toBe('-$0.10');
    expect(cells(rows[1]!)[8]).toBe('-20%');
    expect(text()).toContain('The 2 most charged of 7 users with usage.');
  });

  it('says so when nobody used the gateway in the range', async () => {
    fixture.detectChanges();
    answer(0);
    await render();
    expect(text()).toContain('No requests in this range.');
    expect(el().querySelector('.kpi')).toBeNull();
    expect(el().querySelector('gw-top-spenders')).toBeNull();
  });

  it('shows the gateway’s reason when the totals cannot be loaded', async () => {
    fixture.detectChanges();
    one('summary').flush(
      { type: 'about:blank', title: 'Forbidden', status: 403, code: 'AUTH.FORBIDDEN', detail: 'Admins only' },
      { status: 403, statusText: 'Forbidden', headers: { 'content-type': 'application/problem+json' } },
    );
    for (const r of http.match(() => true)) r.flush({ data: [] });
    await render();
    expect(el().querySelector('[role="alert"]')?.textContent).toContain('Admins only');
  });
});
