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
    expect(first.textContent).toContain('preference +0.05');
    expect(first.textContent).toContain('rate-limit penalty 0.40');
    expect(el.querySelector('ol[data-level="precision"] > li:nth-child(2)')!.textContent).not.toContain(
      'preference',
    );
    expect(el.querySelector('.preview-levels')!.textContent).toContain(
      'Fallback chain skipped: none of its models can serve this request',
    );
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

  /** Answers every preview the edits so far asked for (at least one). */
  const flushPreviews = async (): Promise<void> => {
    let found: TestRequest[] = [];
    await vi.waitFor(() => {
      found = http.match(isPreview);
      expect(found.length).toBeGreaterThan(0);
    });
    for (const r of found) r.flush(previewView());
  };

  const type = (input: HTMLInputElement, value: string): void => {
    input.value = value;
    input.dispatchEvent(new Event('input'));
  };

  it('the level chain editor adds catalog models (by id or name), refuses others, moves and removes them', async () => {
    const el = await render();
    const store = fixture.componentRef.injector.get(RoutingStore);
    const editor = el.querySelector<HTMLElement>('gw-level-editor gw-chain-editor')!;
    expect(editor.querySelector('legend')!.textContent).toContain('Fallback chain');
    expect(editor.textContent).toContain('Empty: candidates are tried in score order.');
    const box = () => editor.querySelector<HTMLInputElement>('.add input')!;

    type(box(), 'openai/gpt-nothing');
    buttonNamed(editor, 'Add').click();
    await settle(el, () =>
      expect(editor.textContent).toContain('"openai/gpt-nothing" is not a model in the catalog.'),
    );
    expect(store.dirty()).toBe(false);

    type(box(), 'mock-sage/sage-medium');
    buttonNamed(editor, 'Add').click();
    // A second add before the page renders builds on the first.
    type(box(), 'swift-mini'); // a display name only one model has
    buttonNamed(editor, 'Add').click();
    await settle(el, () => expect(editor.querySelectorAll('li')).toHaveLength(2));
    expect(store.draft()!.levels.eco.chain).toEqual(['mock-sage/sage-medium', 'mock-swift/swift-mini']);
    await flushPreviews();

    const moveUp = editor.querySelector<HTMLButtonElement>('[aria-label="Move mock-swift/swift-mini up"]')!;
    expect(
      editor.querySelector<HTMLButtonElement>('[aria-label="Move mock-sage/sage-medium up"]')!.disabled,
    ).toBe(true);
    moveUp.click();
    await settle(el, () =>
      expect([...editor.querySelectorAll('li')].map((li) => li.dataset['modelId'])).toEqual([
        'mock-swift/swift-mini',
        'mock-sage/sage-medium',
      ]),
    );
    // The keyboard stays on the moved model (its "down" button, "up" being disabled at the top).
    await vi.waitFor(() =>
      expect(document.activeElement?.getAttribute('aria-label')).toBe('Move mock-swift/swift-mini down'),
    );
    await flushPreviews();
    editor.querySelector<HTMLButtonElement>('[aria-label="Remove mock-swift/swift-mini"]')!.click();
    await settle(el, () => expect(store.draft()!.levels.eco.chain).toEqual(['mock-sage/sage-medium']));
    await flushPreviews();
  });

  it('a use case needs a valid name and a model before the policy can be saved', async () => {
    const el = await render();
    const store = fixture.componentRef.injector.get(RoutingStore);
    const section = el.querySelector<HTMLElement>('gw-use-cases-editor')!;
    const nameBox = section.querySelector<HTMLInputElement>(':scope > .add input')!;
    type(nameBox, 'Code Review');
    buttonNamed(section, 'Add use case').click();
    await settle(el, () => expect(section.textContent).toContain('Use 1–40 lowercase letters'));

    type(nameBox, 'code');
    buttonNamed(section, 'Add use case').click();
    await settle(el, () =>
      expect(section.querySelector('[data-use-case="code"] [role="alert"]')?.textContent).toContain(
        'Add at least one model',
      ),
    );
    await flushPreviews();
    expect(el.textContent).toContain('Unsaved changes');
    expect(buttonNamed(el, 'Save policy').disabled).toBe(true);

    const chainBox = section.querySelector<HTMLInputElement>('[data-use-case="code"] .add input')!;
    type(chainBox, 'mock-sage/sage-large');
    buttonNamed(section.querySelector('[data-use-case="code"]')!, 'Add').click();
    await settle(el, () => expect(buttonNamed(el, 'Save policy').disabled).toBe(false));
    expect(store.draft()!.useCases).toEqual({ code: ['mock-sage/sage-large'] });
    await flushPreviews();

    section.querySelector<HTMLButtonElement>('[aria-label="Remove use case code"]')!.click();
    await settle(el, () => expect(section.textContent).toContain('No use cases.'));
    expect(store.dirty()).toBe(false);
    await flushPreviews();
  });

  it('a refused save shows the gateway message at its field, on its power level tab', async () => {
    const el = await render();
    const store = fixture.componentRef.injector.get(RoutingStore);
    store.setLatencyCap('precision', 150);
    await flushPreviews();
    await settle(el, () => expect(buttonNamed(el, 'Save policy').disabled).toBe(false));
    buttonNamed(el, 'Save policy').click();
    http
      .expectOne((r) => r.method === 'PUT')
      .flush(
        {
          code: 'REQUEST.INVALID_PARAMETER',
          detail: 'precision: latencyCapMs is below what the provider can answer in',
          status: 400,
          param: 'levels.precision.latencyCapMs',
        },
        { status: 400, statusText: 'Bad Request', headers: { 'content-type': 'application/problem+json' } },
      );
    await settle(el, () =>
      expect(el.querySelector('gw-level-editor [data-level="precision"]')?.textContent).toContain(
        'latencyCapMs is below what the provider can answer in',
      ),
    );
    expect(el.querySelector('.banner.gw-error')!.textContent).toContain('(shown at the field)');
    // Editing anything clears the gateway's message (it was about the draft it refused).
    store.setLatencyCap('precision', 1500);
    await settle(el, () =>
      expect(el.querySelector('gw-level-editor')!.textContent).not.toContain('below what the provider'),
    );
    await flushPreviews();
  });
});
