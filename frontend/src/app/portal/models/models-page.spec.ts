import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection, signal } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter } from '@angular/router';
import type { Me } from '../../core/api/api';
import { AuthStore } from '../../core/auth/auth-store';
import { problemInterceptor } from '../../core/http/interceptors';
import { CATALOG } from './models-fixtures';
import ModelsPage from './models-page';
import { ModelsStore } from './models-store';

const STARTER: Me = {
  id: 'u1',
  name: 'Demo',
  roles: ['user'],
  tier: 'starter',
  powerLevel: 'balanced',
  allowedPowerLevels: ['eco', 'balanced'],
  byok: { allowed: true, keysPerProvider: 1 },
};

describe('ModelsPage', () => {
  let fixture: ComponentFixture<ModelsPage>;
  let http: HttpTestingController;
  let page: HTMLElement;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideNoopAnimations(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
        {
          provide: AuthStore,
          useValue: { me: signal(STARTER), accessToken: signal('t'), sessionEnded: vi.fn() },
        },
      ],
    });
    fixture = TestBed.createComponent(ModelsPage);
    fixture.autoDetectChanges();
    http = TestBed.inject(HttpTestingController);
    page = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  });
  afterEach(() => http.verify());

  const rows = (): string[] =>
    [...page.querySelectorAll('tr.mat-mdc-row code.id')].map((c) => c.textContent?.trim() ?? '');
  const store = (): ModelsStore => fixture.debugElement.injector.get(ModelsStore);

  it('loads the catalog into a table with one h1, prices, context, latency, health and what unlocks a locked model', async () => {
    http.expectOne('/api/v1/catalog/models').flush(CATALOG);
    await fixture.whenStable();
    expect(page.querySelectorAll('h1')).toHaveLength(1);
    expect(rows()).toEqual(['sage/max', 'sage/medium', 'swift/mini']);
    const max = page.querySelector('tr.mat-mdc-row')!.textContent ?? '';
    expect(max).toContain('$0.075');
    expect(max).toContain('$75.00');
    expect(max).toContain('1M');
    expect(max).toContain('1800 ms');
    expect(max).toContain('Down');
    expect(max).toContain('Needs the professional tier');
    expect(page.textContent).toContain('Not measured yet');
    expect(page.querySelector('[role="status"]')?.textContent).toContain('3 models');
    expect(page.textContent).toContain('The router picks a model at your power level.');
  });

  it('searching and the tier toggle narrow the rows and say how many are shown', async () => {
    http.expectOne('/api/v1/catalog/models').flush(CATALOG);
    await fixture.whenStable();
    const search = page.querySelector<HTMLInputElement>('input[type="search"]')!;
    search.value = 'sage';
    search.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    expect(rows()).toEqual(['sage/max', 'sage/medium']);
    expect(page.querySelector('[role="status"]')?.textContent).toContain('Showing 2 of 3 models');

    page.querySelector<HTMLButtonElement>('mat-slide-toggle button')!.click();
    await fixture.whenStable();
    expect(rows()).toEqual(['sage/medium']);

    const clear = [...page.querySelectorAll('button')].find((b) => b.textContent?.includes('Clear filters'))!;
    clear.click();
    await fixture.whenStable();
    expect(rows()).toHaveLength(3);
    expect(search.value).toBe('');
  });

  it('a sortable header sorts by price as a number', async () => {
    http.expectOne('/api/v1/catalog/models').flush(CATALOG);
    await fixture.whenStable();
    const header = [...page.querySelectorAll<HTMLElement>('th')].find((th) =>
      th.textContent?.includes('Input / 1M tokens'),
    )!;
    header.click();
    await fixture.whenStable();
    expect(store().sort()).toEqual({ column: 'input', direction: 'asc' });
    expect(rows()).toEqual(['sage/max', 'swift/mini', 'sage/medium']);
  });

  it('a failed load shows the error with its request id and tries again', async () => {
    http
      .expectOne('/api/v1/catalog/models')
      .flush(
        { title: 'The gateway failed', status: 500 },
        { status: 500, statusText: 'x', headers: { 'x-switchyard-request-id': 'req-9' } },
      );
    await fixture.whenStable();
    expect(page.querySelector('[role="alert"]')?.textContent).toContain('req-9');
    [...page.querySelectorAll('button')].find((b) => b.textContent?.includes('Try again'))!.click();
    http.expectOne('/api/v1/catalog/models').flush(CATALOG);
    await fixture.whenStable();
    expect(rows()).toHaveLength(3);
  });
});
