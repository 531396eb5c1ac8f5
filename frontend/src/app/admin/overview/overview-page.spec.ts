import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { problemInterceptor } from '../../core/http/interceptors';
import { overview } from './overview-fixtures';
import OverviewPage from './overview-page';

describe('OverviewPage', () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<OverviewPage>;

  const render = async (answer: (req: ReturnType<HttpTestingController['expectOne']>) => void) => {
    TestBed.configureTestingModule({
      imports: [OverviewPage],
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(OverviewPage);
    fixture.detectChanges();
    answer(http.expectOne('/api/v1/admin/overview'));
    const el = fixture.nativeElement as HTMLElement;
    await vi.waitFor(() => {
      fixture.detectChanges();
      expect(el.querySelector('gw-page-state mat-spinner')).toBeNull();
    });
    return el;
  };

  afterEach(() => http.verify());

  it('shows each tile as a link to its page, with today against yesterday', async () => {
    const el = await render((req) => req.flush(overview));
    expect(el.querySelectorAll('h1')).toHaveLength(1);
    expect(el.querySelector('h1')?.textContent).toBe('Admin overview');
    const tile = (name: string) => el.querySelector<HTMLAnchorElement>(`a[data-tile="${name}"]`)!;
    expect(tile('requests').textContent).toContain('150');
    expect(tile('requests').textContent).toContain('100 yesterday');
    expect(tile('requests').textContent).toContain('+50 % vs yesterday');
    expect(tile('requests').getAttribute('href')).toBe('/admin/usage');
    expect(tile('spend').textContent).toContain('$3.00');
    expect(tile('spend').textContent).toContain('$4.00 yesterday');
    expect(tile('spend').textContent).toContain('−25 % vs yesterday');
    expect(tile('providers').textContent).toContain('Mock Flaky');
    expect(tile('providers').textContent).toContain('down');
    expect(tile('providers').getAttribute('href')).toBe('/admin/providers');
    expect(tile('fallback').textContent).toContain('2%');
    expect(tile('refusals').textContent).toContain('Budget 2');
    expect(tile('refusals').textContent).toContain('rate limit 5');
    expect(tile('refusals').getAttribute('href')).toBe('/admin/tiers');
    expect(tile('lag').textContent).toContain('caught up');
  });

  it('shows an error with a retry', async () => {
    const el = await render((req) =>
      req.flush(
        { status: 500, title: 'Boom', code: 'INTERNAL', correlationId: 'req-1' },
        { status: 500, statusText: 'x' },
      ),
    );
    expect(el.textContent).toContain('Try again');
  });
});
