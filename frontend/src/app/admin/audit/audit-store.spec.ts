import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { problemInterceptor } from '../../core/http/interceptors';
import { broken, entry, KEYS_STREAM, verified } from './audit-fixtures';
import { AuditStore, PAGE_SIZE } from './audit-store';

describe('AuditStore', () => {
  let store: AuditStore;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
        AuditStore,
      ],
    });
    store = TestBed.inject(AuditStore);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  const searchRequest = () => http.expectOne((r) => r.url === '/api/v1/audit/streams');

  it('searches a category, then appends the next page', async () => {
    const first = store.find('keys', ' demo ');
    const req = searchRequest();
    expect(req.request.params.get('category')).toBe('keys');
    expect(req.request.params.get('q')).toBe('demo');
    expect(req.request.params.get('limit')).toBe(String(PAGE_SIZE));
    req.flush({ data: [entry], next: KEYS_STREAM });
    await first;
    expect(store.results()).toEqual([entry]);
    expect(store.hasMore()).toBe(true);

    const more = store.more();
    const next = searchRequest();
    expect(next.request.params.get('after')).toBe(KEYS_STREAM);
    const other = { ...entry, streamId: 'keys-z', user: null };
    next.flush({ data: [other], next: null });
    await more;
    expect(store.results()).toEqual([entry, other]);
    expect(store.hasMore()).toBe(false);
  });

  it('drops the answer of a search overtaken by a newer one', async () => {
    const older = store.find('keys', 'd');
    const newer = store.find('keys', 'de');
    const [a, b] = http.match((r) => r.url === '/api/v1/audit/streams');
    b!.flush({ data: [entry], next: null });
    a!.flush({ data: [{ ...entry, streamId: 'keys-stale' }], next: null });
    await Promise.all([older, newer]);
    expect(store.results()).toEqual([entry]);
  });

  it('replays a stream; a broken chain names its revision; an unknown one is an ApiError', async () => {
    const opened = store.open(KEYS_STREAM);
    expect(store.selectedId()).toBe(KEYS_STREAM);
    http.expectOne(`/api/v1/audit/streams/${encodeURIComponent(KEYS_STREAM)}`).flush(verified);
    await opened;
    expect(store.stream()).toEqual(verified);
    expect(store.brokenRevision()).toBeNull();

    const again = store.reload();
    http.expectOne(`/api/v1/audit/streams/${encodeURIComponent(KEYS_STREAM)}`).flush(broken);
    await again;
    expect(store.brokenRevision()).toBe(1);

    const missing = store.open('keys-nobody');
    http
      .expectOne('/api/v1/audit/streams/keys-nobody')
      .flush(
        { status: 404, title: 'Not found', code: 'AUDIT.STREAM_NOT_FOUND', detail: 'No stream keys-nobody' },
        { status: 404, statusText: 'Not Found' },
      );
    await missing;
    expect(store.stream()).toBeNull();
    expect(store.error()?.code).toBe('AUDIT.STREAM_NOT_FOUND');
  });

  it('exports the open replay as JSON with its events and verdict', async () => {
    expect(store.exportJson()).toBeNull();
    const opened = store.open(KEYS_STREAM);
    http.expectOne(`/api/v1/audit/streams/${encodeURIComponent(KEYS_STREAM)}`).flush(broken);
    await opened;
    const file = store.exportJson(new Date('2026-12-07T02:00:00.000Z'))!;
    expect(file.filename).toBe(`audit-${KEYS_STREAM}.json`);
    const parsed = JSON.parse(file.text) as typeof broken & { exportedAt: string };
    expect(parsed.exportedAt).toBe('2026-12-07T02:00:00.000Z');
    expect(parsed.events.map((e) => e.revision)).toEqual([0, 1, 2]);
    expect(parsed.chain.firstBreak).toEqual({ revision: 1, reason: 'hash_mismatch' });
  });
});
