import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { problemInterceptor } from '../../core/http/interceptors';
import { aUser } from './users-fixtures';
import UsersPage from './users-page';

describe('UsersPage', () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<UsersPage>;

  const settle = async (el: HTMLElement): Promise<void> =>
    vi.waitFor(() => {
      fixture.detectChanges();
      expect(el.querySelector('gw-page-state mat-spinner, mat-progress-bar')).toBeNull();
    });

  const render = async (page: object): Promise<HTMLElement> => {
    TestBed.configureTestingModule({
      imports: [UsersPage],
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(UsersPage);
    fixture.detectChanges();
    http.expectOne((r) => r.url === '/api/v1/admin/users').flush(page);
    const el = fixture.nativeElement as HTMLElement;
    await settle(el);
    return el;
  };

  afterEach(() => {
    http.verify();
    document.querySelectorAll('.cdk-overlay-container').forEach((c) => (c.innerHTML = ''));
  });

  it('lists users with name (a link to their page), username and email, tier, roles, status', async () => {
    const el = await render({
      data: [
        aUser(),
        aUser({ id: 'usr_b', name: 'Bea', disabled: true, roles: ['user', 'admin'], email: null }),
      ],
      nextCursor: null,
      total: 2,
    });
    expect(el.querySelectorAll('h1')).toHaveLength(1);
    expect(el.querySelector('h1')?.textContent).toContain('Users');
    const rows = el.querySelectorAll('tbody tr');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.querySelector('a')?.getAttribute('href')).toBe('/admin/users/usr_demo');
    expect(rows[0]!.textContent).toContain('demo@example.com');
    expect(rows[0]!.textContent).toContain('starter');
    expect(rows[0]!.textContent).toContain('Active');
    expect(rows[1]!.textContent).toContain('user, admin');
    expect(rows[1]!.textContent).toContain('Disabled');
    expect(el.textContent).toContain('2 users');
    expect(el.querySelector('nav.pager')).toBeNull(); // one page only
  });

  it('searches on submit and says when nothing matches', async () => {
    const el = await render({ data: [aUser()], nextCursor: 'c1', total: 30 });
    expect(el.querySelector('nav.pager')?.textContent).toContain('1–1 of 30');
    const input = el.querySelector<HTMLInputElement>('input[type="search"]')!;
    input.value = 'nobody';
    input.dispatchEvent(new Event('input'));
    el.querySelector<HTMLButtonElement>('form.search button[type="submit"]')!.click();
    const req = http.expectOne((r) => r.url === '/api/v1/admin/users');
    expect(req.request.params.get('q')).toBe('nobody');
    req.flush({ data: [], nextCursor: null, total: 0 });
    await settle(el);
    expect(el.textContent).toContain('No user matches “nobody”.');
  });

  it('shows an error with a retry', async () => {
    const el = await render({ data: [], nextCursor: null, total: 0 }).then(
      () => fixture.nativeElement as HTMLElement,
    );
    el.querySelector<HTMLButtonElement>('form.search button[type="submit"]')!.click();
    http
      .expectOne((r) => r.url === '/api/v1/admin/users')
      .flush({ status: 503, title: 'Unavailable', detail: 'Try later' }, { status: 503, statusText: 'x' });
    await vi.waitFor(() => {
      fixture.detectChanges();
      expect(el.querySelector('[role="alert"]')?.textContent).toContain('Try later');
    });
  });
});
