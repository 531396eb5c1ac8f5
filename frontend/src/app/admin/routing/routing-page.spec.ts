import { provideHttpClient, withInterceptors } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
  type TestRequest,
} from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter } from '@angular/router';
import { problemInterceptor } from '../../core/http/interceptors';
import { policyView, previewView, versionView } from './routing-fixtures';
import RoutingPage from './routing-page';
import { RoutingStore } from './routing-store';

const POLICY = '/api/v1/admin/routing/policy';
const HISTORY = '/api/v1/admin/routing/policy/history';
const isPreview = (r: { url: string }) => r.url === '/api/v1/admin/routing/preview';

describe('RoutingPage', { timeout: 20_000 }, () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<RoutingPage>;

  const settle = async (el: HTMLElement, check: () => void): Promise<void> => {
    await vi.waitFor(() => {
      fixture.detectChanges();
      check();
    });
    void el;
  };

  const nextPreview = async (): Promise<TestRequest> => {
    let req: TestRequest | undefined;
    await vi.waitFor(() => {
      const found = http.match(isPreview);
      expect(found).toHaveLength(1);
      req = found[0];
    });
    return req!;
  };

  const render = async (): Promise<HTMLElement> => {
    TestBed.configureTestingModule({
      imports: [RoutingPage],
      providers: [
        provideZonelessChangeDetection(),
        provideNoopAnimations(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(RoutingPage);
    fixture.componentRef.injector.get(RoutingStore).previewDelayMs = 0;
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    http.expectOne(POLICY).flush(policyView(2), { headers: { etag: '"2"' } });
    (await vi.waitFor(() => http.expectOne(HISTORY))).flush([
      versionView(2, 0.1),
      versionView(1, 0.2),
      { version: 0, changedBy: null, changedByName: null, changedAt: null, policy: policyView(0) },
    ]);
    (await nextPreview()).flush(previewView());
    await settle(el, () => expect(el.querySelector('gw-preview-level')).not.toBeNull());
    return el;
  };

  afterEach(() => {
    http.verify();
    document.querySelectorAll('.cdk-overlay-container').forEach((c) => (c.innerHTML = ''));
  });

  const buttonNamed = (el: HTMLElement, text: string): HTMLButtonElement =>
    [...el.querySelectorAll('button')].find((b) => b.textContent?.trim() === text)!;

  it('shows one h1, the version, the weights with accessible names and the preview with movement', async () => {
    const el = await render();
    expect(el.querySelectorAll('h1')).toHaveLength(1);
    expect(el.querySelector('h1')!.textContent).toBe('Routing policy');
    expect(el.textContent).toContain('Version 2');
    const labels = [...el.querySelectorAll('input[matsliderthumb]')].map((i) => i.getAttribute('aria-label'));
    expect(labels).toEqual(['Cost weight', 'Latency weight', 'Quality weight']);
    const precision = el.querySelector('ol[data-level="precision"]')!;
    const first = precision.querySelector('li')!;
    expect(first.getAttribute('data-model-id')).toBe('mock-sage/sage-medium');
    expect(first.textContent).toContain('up 1 from rank 2');
    expect(el.textContent).toContain('over the max price');
    // History: newest first, with what changed against the version before.
    const versions = [...el.querySelectorAll('li.version')];
    expect(versions).toHaveLength(3);
    expect(versions[0]!.textContent).toContain('In force');
    expect(versions[0]!.textContent).toContain('precision: weights cost 0.2');
    expect(versions[0]!.textContent).toContain('by Admin');
    // Version 1 against the defaults (cost 0.1 → 0.2); version 0 is the defaults themselves.
    expect(versions[1]!.textContent).toContain('precision: weights cost 0.1');
    expect(versions[2]!.textContent).toContain('the product defaults');
    expect(buttonNamed(el, 'Save policy').disabled).toBe(true);
  });

  it('a weight change shows "Unsaved changes", re-previews, and Discard changes goes back', async () => {
    const el = await render();
    const store = fixture.componentRef.injector.get(RoutingStore);
    store.setWeight('eco', 'cost', 0.9);
    await settle(el, () => expect(el.textContent).toContain('Unsaved changes'));
    expect(el.querySelector('output')!.textContent!.trim()).toBe('0.90');
    (await nextPreview()).flush(previewView());
    expect(buttonNamed(el, 'Save policy').disabled).toBe(false);
    buttonNamed(el, 'Discard changes').click();
    await settle(el, () => expect(el.textContent).not.toContain('Unsaved changes'));
    (await nextPreview()).flush(previewView());
  });

  it('a stale save says someone else changed the policy and offers Reload', async () => {
    const el = await render();
    fixture.componentRef.injector.get(RoutingStore).setMaxAttempts(4);
    (await nextPreview()).flush(previewView());
    await settle(el, () => expect(buttonNamed(el, 'Save policy').disabled).toBe(false));
    buttonNamed(el, 'Save policy').click();
    http
      .expectOne((r) => r.method === 'PUT')
      .flush(
        { code: 'ROUTING.POLICY_VERSION_MISMATCH', detail: 'The policy is at version 3, not 2', status: 412 },
        {
          status: 412,
          statusText: 'Precondition Failed',
          headers: { 'content-type': 'application/problem+json' },
        },
      );
    (await vi.waitFor(() => http.expectOne((r) => r.method === 'GET' && r.url === POLICY))).flush(
      policyView(3),
    );
    await settle(el, () =>
      expect(el.querySelector('[role="alert"]')?.textContent).toContain('Someone else changed the policy'),
    );
    expect(el.textContent).toContain('(now version 3)');
    buttonNamed(el, 'Reload').click();
    http.expectOne(POLICY).flush(policyView(3), { headers: { etag: '"3"' } });
    (await vi.waitFor(() => http.expectOne(HISTORY))).flush([]);
    (await nextPreview()).flush(previewView());
    await settle(el, () => expect(el.textContent).not.toContain('Someone else changed'));
    expect(el.textContent).toContain('Version 3');
  });
});
