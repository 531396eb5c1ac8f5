import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { problemInterceptor } from '../../core/http/interceptors';
import { broken, entry, KEYS_STREAM, verified } from './audit-fixtures';
import AuditPage from './audit-page';

describe('AuditPage', () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<AuditPage>;
  let el: HTMLElement;

  const settle = async (check: () => void): Promise<void> =>
    vi.waitFor(() => {
      fixture.detectChanges();
      check();
    });

  const render = async (url: string): Promise<void> => {
    TestBed.configureTestingModule({
      imports: [AuditPage],
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([{ path: 'admin/audit', component: AuditPage }]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    await TestBed.inject(Router).navigateByUrl(url);
    fixture = TestBed.createComponent(AuditPage);
    el = fixture.nativeElement as HTMLElement;
    fixture.detectChanges();
    http.expectOne((r) => r.url === '/api/v1/audit/streams').flush({ data: [entry], next: null });
  };

  afterEach(() => http.verify());

  it('lists the streams with their account and opens one into the URL', async () => {
    await render('/admin/audit');
    await settle(() => expect(el.querySelector('.result')?.textContent).toContain('Demo User'));
    expect(el.querySelectorAll('h1')).toHaveLength(1);
    expect(el.querySelector('h1')?.textContent).toBe('Audit');
    el.querySelector<HTMLButtonElement>('.result')!.click();
    await vi.waitFor(() => expect(TestBed.inject(Router).url).toContain(`stream=${KEYS_STREAM}`));
    await settle(() =>
      http.expectOne(`/api/v1/audit/streams/${encodeURIComponent(KEYS_STREAM)}`).flush(verified),
    );
    await settle(() => expect(el.querySelector('.owner')?.textContent).toContain('demo@example.test'));
    expect(el.querySelector('.result.selected')?.getAttribute('aria-current')).toBe('true');
  });

  it('shows a verified stream: events with who, when, from where and correlation id, and the data on demand', async () => {
    await render(`/admin/audit?stream=${KEYS_STREAM}`);
    fixture.detectChanges();
    http.expectOne(`/api/v1/audit/streams/${encodeURIComponent(KEYS_STREAM)}`).flush(verified);
    await settle(() => expect(el.querySelector('.banner.ok')).not.toBeNull());
    expect(el.querySelector('.banner.ok')?.textContent).toContain('Verified: 3 events, chain intact');
    const rows = el.querySelectorAll('tr.event');
    expect(rows).toHaveLength(3);
    expect(rows[0]!.textContent).toContain('KeyAdded');
    expect(rows[0]!.textContent).toContain('user');
    expect(rows[0]!.textContent).toContain('127.0.0.1');
    expect(rows[0]!.textContent).toContain('Mozilla/5.0 test');
    expect(rows[0]!.textContent).toContain('corr-0');
    expect(el.querySelector('tr.broken')).toBeNull();
    const toggle = rows[0]!.querySelector<HTMLButtonElement>('button')!;
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    toggle.click();
    await settle(() => expect(el.querySelector('#audit-data-0 pre')?.textContent).toContain('"maskedKey"'));
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
  });

  it('shows a broken chain as such and highlights and focuses its first broken event', async () => {
    // jsdom lays nothing out, so it has no scrollIntoView.
    const scrolled = vi.fn();
    Element.prototype.scrollIntoView = scrolled;
    await render(`/admin/audit?stream=${KEYS_STREAM}`);
    fixture.detectChanges();
    http.expectOne(`/api/v1/audit/streams/${encodeURIComponent(KEYS_STREAM)}`).flush(broken);
    await settle(() => expect(el.querySelector('.banner.broken')).not.toBeNull());
    expect(el.querySelector('.banner.broken')?.textContent).toContain('Broken at revision 1');
    expect(el.querySelector('.banner.broken')?.textContent).toContain('changed after it was written');
    const row = el.querySelector<HTMLElement>('tr.event.broken')!;
    expect(row.id).toBe('audit-event-1');
    expect(row.textContent).toContain('First broken link');
    expect(el.querySelectorAll('tr.event.broken')).toHaveLength(1);
    await vi.waitFor(() => expect(document.activeElement).toBe(row));
    expect(scrolled).toHaveBeenCalled();
  });

  it('says when a stream does not exist, and offers a pasted stream id', async () => {
    await render('/admin/audit?stream=keys-nobody');
    fixture.detectChanges();
    http
      .expectOne('/api/v1/audit/streams/keys-nobody')
      .flush(
        { status: 404, title: 'Not found', code: 'AUDIT.STREAM_NOT_FOUND', detail: 'No stream keys-nobody' },
        { status: 404, statusText: 'Not Found' },
      );
    await settle(() => expect(el.textContent).toContain('No stream keys-nobody'));
  });
});
