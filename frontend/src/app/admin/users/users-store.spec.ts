import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { problemInterceptor } from '../../core/http/interceptors';
import { aUser } from './users-fixtures';
import { PAGE_SIZE, UsersStore } from './users-store';

describe('UsersStore', () => {
  let store: UsersStore;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
        UsersStore,
      ],
    });
    store = TestBed.inject(UsersStore);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  const expectList = (params: Record<string, string>) =>
    http.expectOne(
      (r) =>
        r.url === '/api/v1/admin/users' &&
        r.params.keys().length === Object.keys(params).length &&
        Object.entries(params).every(([k, v]) => r.params.get(k) === v),
    );

  it('searches, pages forward with the cursor and back to the first page', async () => {
    let done = store.search('  demo ');
    expectList({ limit: String(PAGE_SIZE), q: 'demo' }).flush({
      data: [aUser()],
      nextCursor: 'c1',
      total: 26,
    });
    await done;
    expect(store.users().map((u) => u.id)).toEqual(['usr_demo']);
    expect(store.total()).toBe(26);
    expect(store.hasNext()).toBe(true);
    expect(store.hasPrevious()).toBe(false);
    expect(store.range()).toBe('1–1 of 26');

    done = store.nextPage();
    expectList({ limit: String(PAGE_SIZE), q: 'demo', cursor: 'c1' }).flush({
      data: [aUser({ id: 'usr_2', name: 'Zed' })],
      nextCursor: null,
      total: 26,
    });
    await done;
    expect(store.page()).toBe(1);
    expect(store.range()).toBe(`${PAGE_SIZE + 1}–${PAGE_SIZE + 1} of 26`);
    expect(store.hasNext()).toBe(false);

    done = store.previousPage();
    expectList({ limit: String(PAGE_SIZE), q: 'demo' }).flush({
      data: [aUser()],
      nextCursor: 'c1',
      total: 26,
    });
    await done;
    expect(store.page()).toBe(0);
  });

  it('drops the answer to an older search', async () => {
    const first = store.search('a');
    const second = store.search('ab');
    const [old, latest] = http.match((r) => r.url === '/api/v1/admin/users');
    latest!.flush({ data: [aUser({ name: 'Abe' })], nextCursor: null, total: 1 });
    old!.flush({ data: [aUser({ name: 'Ann' }), aUser({ id: 'x' })], nextCursor: null, total: 2 });
    await Promise.all([first, second]);
    expect(store.users().map((u) => u.name)).toEqual(['Abe']);
    expect(store.loading()).toBe(false);
  });

  it('keeps a failed list as an ApiError', async () => {
    const done = store.search('');
    expectList({ limit: String(PAGE_SIZE) }).flush(
      { status: 503, title: 'Unavailable', code: 'UNAVAILABLE' },
      { status: 503, statusText: 'x' },
    );
    await done;
    expect(store.error()?.status).toBe(503);
    expect(store.loading()).toBe(false);
  });

  it('creates a user and answers its id', async () => {
    const created = store.create({ name: 'New', tier: 'free' });
    const req = http.expectOne('/api/v1/admin/users');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ name: 'New', tier: 'free' });
    req.flush({ id: 'usr_new' });
    expect(await created).toBe('usr_new');
  });
});
