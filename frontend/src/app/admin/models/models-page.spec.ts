import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection, signal } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter } from '@angular/router';
import type { Me } from '../../core/api/api';
import { AuthStore } from '../../core/auth/auth-store';
import { problemInterceptor } from '../../core/http/interceptors';
import { aModel, aVersion, MODELS, PROVIDERS } from './admin-models-fixtures';
import ModelsPage from './models-page';

const ADMIN: Me = {
  id: 'u-admin',
  name: 'Admin',
  roles: ['admin'],
  tier: 'enterprise',
  powerLevel: 'balanced',
  allowedPowerLevels: ['eco', 'balanced', 'precision'],
  byok: { allowed: true, keysPerProvider: 1 },
};

// Dialogs and overlays render a lot of Material: slower than 5 s on a busy CI machine.
describe('Admin ModelsPage', { timeout: 20_000 }, () => {
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
          useValue: { me: signal(ADMIN), accessToken: signal('t'), sessionEnded: vi.fn() },
        },
      ],
    });
    fixture = TestBed.createComponent(ModelsPage);
    fixture.autoDetectChanges();
    http = TestBed.inject(HttpTestingController);
    page = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  });
  afterEach(() => {
    http.verify();
    document.querySelectorAll('.cdk-overlay-container').forEach((o) => (o.innerHTML = ''));
  });

  const load = async (models = MODELS): Promise<void> => {
    http.expectOne('/api/v1/admin/models').flush({ data: models });
    http.expectOne('/api/v1/admin/providers').flush({ data: PROVIDERS });
    await fixture.whenStable();
  };
  const rowOf = (id: string): HTMLElement => page.querySelector(`tr[data-model="${id}"]`) as HTMLElement;
  const ids = (): string[] =>
    [...page.querySelectorAll('tr.mat-mdc-row')].map((r) => r.getAttribute('data-model') ?? '');
  const overlay = (): HTMLElement => document.querySelector('.cdk-overlay-container') as HTMLElement;
  /** A button by its text (icon ligatures left out). */
  const button = (root: ParentNode, text: string): HTMLButtonElement => {
    const label = (b: HTMLButtonElement): string =>
      [...b.childNodes]
        .map((n) => (n instanceof HTMLElement && n.tagName === 'MAT-ICON' ? '' : (n.textContent ?? '')))
        .join('')
        .trim();
    const found = [...root.querySelectorAll('button')].find((b) => label(b).startsWith(text));
    if (!found) throw new Error(`no button "${text}"`);
    return found;
  };
  const openActions = async (id: string): Promise<void> => {
    rowOf(id).querySelector<HTMLButtonElement>('button[aria-label^="Actions for"]')!.click();
    await fixture.whenStable();
  };
  const type = (input: HTMLInputElement, value: string): void => {
    input.value = value;
    input.dispatchEvent(new Event('input'));
  };

  it('shows one h1, a row per model with prices in dollars, its limits and status chips', async () => {
    await load();
    expect(page.querySelectorAll('h1')).toHaveLength(1);
    expect(page.querySelector('h1')?.textContent).toContain('Models');
    expect(ids()).toEqual(['acme/pebble', 'acme/rocket-1', 'zeta/meta/big-70b']);
    const big = rowOf('zeta/meta/big-70b').textContent ?? '';
    expect(big).toContain('$15.00');
    expect(big).toContain('$60.00');
    expect(big).toContain('$0.005'); // per-request fee
    expect(big).toContain('over 200K');
    expect(big).toContain('1M');
    expect(big).toContain('Zeta Cloud');
    expect(big).toContain('Deprecated');
    expect(rowOf('acme/pebble').textContent).toContain('Disabled');
    expect(rowOf('acme/rocket-1').textContent).toContain('Tools, JSON mode');
  });

  it('says so when the catalog is empty, and shows a load error with a retry', async () => {
    await load([]);
    expect(page.textContent).toContain('No models yet');
  });

  it('filters by text and sorts by price', async () => {
    await load();
    type(page.querySelector<HTMLInputElement>('input[type="search"]')!, 'rocket');
    await fixture.whenStable();
    expect(ids()).toEqual(['acme/rocket-1']);
    expect(page.textContent).toContain('Showing 1 of 3 models');
    button(page, 'Clear filters').click();
    await fixture.whenStable();
    const inputHeader = [...page.querySelectorAll('th')].find((th) => th.textContent?.trim() === 'Input')!;
    inputHeader.querySelector<HTMLElement>('.mat-sort-header-container')!.click();
    await fixture.whenStable();
    expect(ids()).toEqual(['acme/pebble', 'acme/rocket-1', 'zeta/meta/big-70b']);
    inputHeader.querySelector<HTMLElement>('.mat-sort-header-container')!.click();
    await fixture.whenStable();
    expect(ids()).toEqual(['zeta/meta/big-70b', 'acme/rocket-1', 'acme/pebble']);
  });

  it('adds a model through the dialog, prices typed in dollars sent as micro-dollars', async () => {
    await load();
    button(page, 'Add model').click();
    await fixture.whenStable();
    const dialog = overlay().querySelector('mat-dialog-container') as HTMLElement;
    expect(dialog.textContent).toContain('Add a model');
    // Nothing filled in: the required fields say what they need, nothing is sent.
    button(dialog, 'Add model').click();
    await fixture.whenStable();
    expect(dialog.textContent).toContain('Enter the input price.');

    const field = (label: string): HTMLInputElement => {
      const f = [...dialog.querySelectorAll('mat-form-field')].find(
        (ff) => ff.querySelector('mat-label')?.textContent?.trim() === label,
      );
      return f!.querySelector('input') as HTMLInputElement;
    };
    dialog.querySelector<HTMLElement>('mat-select')!.click();
    await fixture.whenStable();
    [...overlay().querySelectorAll('mat-option')]
      .find((o) => o.textContent?.includes('Zeta Cloud'))!
      .dispatchEvent(new Event('click'));
    type(field('Model id'), 'zeta-mini');
    type(field('Input'), '0.15');
    type(field('Output'), '0.6');
    await fixture.whenStable();
    button(dialog, 'Add model').click();
    const req = http.expectOne('/api/v1/admin/models');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toMatchObject({
      provider: 'zeta',
      model: 'zeta-mini',
      prices: { inputPerMillionMicros: '150000', outputPerMillionMicros: '600000' },
    });
    req.flush(
      aModel({ id: 'zeta/zeta-mini', provider: 'zeta', model: 'zeta-mini', displayName: 'zeta-mini' }),
      {
        status: 201,
        statusText: 'Created',
      },
    );
    await fixture.whenStable();
    expect(ids()).toContain('zeta/zeta-mini');
  });

  it('edits a price: only the prices are sent', async () => {
    await load();
    await openActions('acme/rocket-1');
    button(overlay(), 'Edit').click();
    await fixture.whenStable();
    const dialog = overlay().querySelector('mat-dialog-container') as HTMLElement;
    const input = [...dialog.querySelectorAll('mat-form-field')]
      .find((f) => f.querySelector('mat-label')?.textContent?.trim() === 'Input')!
      .querySelector('input') as HTMLInputElement;
    expect(input.value).toBe('2.50');
    type(input, '3.00');
    button(dialog, 'Save changes').click();
    const req = http.expectOne('/api/v1/admin/models/acme/rocket-1');
    expect(req.request.method).toBe('PUT');
    expect(Object.keys(req.request.body as object)).toEqual(['prices']);
    expect(
      (req.request.body as { prices: { inputPerMillionMicros: string } }).prices.inputPerMillionMicros,
    ).toBe('3000000');
    req.flush(aModel({ priceVersion: 2 }));
    await fixture.whenStable();
  });

  it('shows the price history newest first, marking what changed', async () => {
    await load();
    await openActions('acme/rocket-1');
    button(overlay(), 'Price history').click();
    http.expectOne('/api/v1/admin/models/acme/rocket-1/prices').flush({
      data: [
        aVersion(1, '2500000', '2026-12-01T00:00:00.000Z', 'system:seed'),
        aVersion(2, '3000000', '2026-12-05T00:00:00.000Z'),
      ],
    });
    await fixture.whenStable();
    const rows = [...overlay().querySelectorAll('table.history tbody tr')];
    expect(rows.map((r) => r.getAttribute('data-version'))).toEqual(['2', '1']);
    expect(rows[0]!.textContent).toContain('current');
    expect(rows[0]!.textContent).toContain('You');
    expect(rows[0]!.querySelector('.changed')?.textContent).toContain('$3.00');
    expect(rows[1]!.textContent).toContain('Catalog seed');
  });

  it('disables a model from its menu, and deprecates one after confirming', async () => {
    await load();
    await openActions('acme/rocket-1');
    button(overlay(), 'Disable').click();
    const disable = http.expectOne('/api/v1/admin/models/acme/rocket-1');
    expect(disable.request.body).toEqual({ enabled: false });
    disable.flush(aModel({ enabled: false, routable: false }));
    await vi.waitFor(() => expect(rowOf('acme/rocket-1').textContent).toContain('Disabled'));

    await openActions('acme/rocket-1');
    button(overlay(), 'Deprecate').click();
    await fixture.whenStable();
    button(overlay(), 'Deprecate model').click();
    await fixture.whenStable();
    const deprecate = http.expectOne('/api/v1/admin/models/acme/rocket-1');
    expect(deprecate.request.body).toEqual({ deprecated: { replacement: null } });
    deprecate.flush(
      aModel({ enabled: false, deprecated: { replacement: null, at: '2026-12-07T00:00:00.000Z' } }),
    );
    await vi.waitFor(() => expect(rowOf('acme/rocket-1').textContent).toContain('Deprecated'));
  });
});
