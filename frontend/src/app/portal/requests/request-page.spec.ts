import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { problemInterceptor } from '../../core/http/interceptors';
import type { RequestExplanation } from './request-api';
import RequestPage from './request-page';
import { NOT_FOUND_RETRY_MS } from './request-store';

const ID = '0b9f6a8e-4a57-4c1e-9d53-1f6f2a0c7e11';
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

const explanation = (): RequestExplanation => ({
  requestId: ID,
  userId: 'u1',
  requestedModel: 'auto',
  powerLevel: 'balanced',
  policyVersion: 3,
  routingMicroseconds: 42,
  streamed: true,
  candidates: [
    {
      modelId: 'swift-mini',
      provider: 'mock-swift',
      score: 0.812,
      components: { cost: 0.9, latency: 0.75, quality: 0.6, errorPenalty: 0 },
    },
    {
      modelId: 'sage-medium',
      provider: 'mock-sage',
      score: 0.701,
      components: { cost: 0.5, latency: 0.8, quality: 0.8, errorPenalty: 0.05 },
    },
  ],
  chosenModelId: 'swift-mini',
  fallbacks: [
    {
      requestId: ID,
      userId: 'u1',
      fromModelId: 'swift-mini',
      toModelId: 'sage-medium',
      reason: 'upstream_5xx',
      status: 503,
      attempt: 1,
    },
  ],
  outcome: 'completed',
  finalModelId: 'sage-medium',
  usage: {
    requestId: ID,
    userId: 'u1',
    provider: 'mock-sage',
    modelId: 'sage-medium',
    powerLevel: 'balanced',
    keySource: 'platform',
    promptTokens: 1200,
    completionTokens: 300,
    cachedTokens: 0,
    estimated: false,
    providerCostMicros: '1800',
    chargedMicros: '2340',
    latencyMs: 850,
    timeToFirstTokenMs: 120,
    streamed: true,
    finishReason: 'stop',
    outcome: 'completed',
    attempts: 2,
  },
  failure: null,
  routedAt: '2026-12-06T22:15:00.000Z',
  useCase: null,
  chain: null,
  balancing: null,
});

describe('RequestPage', () => {
  let fixture: ComponentFixture<RequestPage>;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [RequestPage],
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
        { provide: NOT_FOUND_RETRY_MS, useValue: [0] },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(RequestPage);
  });

  afterEach(() => http.verify());

  const el = (): HTMLElement => fixture.nativeElement as HTMLElement;
  const open = async (id: string): Promise<void> => {
    fixture.componentRef.setInput('id', id);
    fixture.detectChanges();
    await fixture.whenStable();
  };
  const render = async (): Promise<void> => {
    await settle();
    await fixture.whenStable();
  };

  it('explains the routing: every candidate with its score parts, the choice, the hops, usage and charge', async () => {
    await open(ID);
    http.expectOne(`/api/v1/requests/${ID}`).flush(explanation());
    await render();

    expect(el().querySelectorAll('h1')).toHaveLength(1);
    const rows = [...el().querySelectorAll('table.candidates tbody tr')].map((r) =>
      [...r.children].map((c) => c.textContent?.trim()),
    );
    expect(rows).toEqual([
      [
        '1',
        'swift-mini',
        'mock-swift',
        '0.812',
        '0.900',
        '0.750',
        '0.600',
        '0.000',
        '—',
        'Chosen · Failed, fell back',
      ],
      ['2', 'sage-medium', 'mock-sage', '0.701', '0.500', '0.800', '0.800', '0.050', '—', 'Answered'],
    ]);
    expect(el().querySelector('[data-testid="use-case"]')?.textContent?.trim()).toBe('None');
    expect(el().textContent).toContain('No fallback chain: the candidates were ranked by score.');
    expect(el().textContent).toContain('No load balancing');
    const hops = el().querySelector('ol.hops')?.textContent?.replace(/\s+/g, ' ');
    expect(hops).toContain('Attempt 1: swift-mini failed (upstream_5xx, HTTP 503), moved on to sage-medium');
    expect(el().querySelector('[data-testid="charged"]')?.textContent?.trim()).toBe('$0.002340');
    expect(el().querySelector('[data-testid="outcome"]')?.textContent?.trim()).toBe('Completed');
  });

  it('shows the use case, the chain that ordered the candidates, the balancing draw and each bonus or penalty', async () => {
    await open(ID);
    const e = explanation();
    e.useCase = 'code';
    e.chain = { source: 'use_case', models: ['sage-medium', 'swift-mini'], applied: true };
    e.balancing = {
      bandPercent: 2.5,
      pool: ['swift-mini', 'sage-medium'],
      draw: 0.731204,
      chosen: 'swift-mini',
    };
    e.candidates[0]!.components = { ...e.candidates[0]!.components, preference: 0.05, rateLimit: 0.4 };
    e.candidates[1]!.components = { ...e.candidates[1]!.components, byok: 0.1 };
    http.expectOne(`/api/v1/requests/${ID}`).flush(e);
    await render();

    expect(el().querySelector('[data-testid="use-case"]')?.textContent?.trim()).toBe('code');
    const chain = el().querySelector('[data-testid="chain"]')!;
    expect(chain.textContent).toContain('The use case code names this fallback order');
    expect([...chain.querySelectorAll('li')].map((li) => li.textContent?.trim())).toEqual([
      'sage-medium',
      'swift-mini',
    ]);
    expect(chain.textContent).toContain('It applied');
    const balancing = el().querySelector('[data-testid="balancing"]')!.textContent!.replace(/\s+/g, ' ');
    expect(balancing).toContain('drew swift-mini to try first (draw 0.731204)');
    expect(balancing).toContain(
      'among the 2 candidates within 2.5% of the best score: swift-mini, sage-medium',
    );
    const adjustments = [...el().querySelectorAll('table.candidates tbody tr')].map((r) =>
      r.children[8]!.textContent?.trim(),
    );
    expect(adjustments).toEqual(['+0.050 preference · rate limit 0.400', '+0.100 own key']);
  });

  it('says when a chain was skipped because none of its models could serve', async () => {
    await open(ID);
    const e = explanation();
    e.chain = { source: 'level', models: ['gone-model'], applied: false };
    http.expectOne(`/api/v1/requests/${ID}`).flush(e);
    await render();
    const chain = el().querySelector('[data-testid="chain"]')!;
    expect(chain.textContent).toContain("The power level's fallback chain names this order");
    expect(chain.querySelector('.skipped')?.textContent).toContain(
      'none of its models could serve this request',
    );
  });

  const notFound = (): void =>
    http
      .expectOne(`/api/v1/requests/${ID}`)
      .flush(
        { title: 'Not Found', status: 404, code: 'ROUTING.REQUEST_NOT_FOUND' },
        { status: 404, statusText: 'Not Found' },
      );

  it('asks again once after a 404 (a request just sent may not be recorded yet)', async () => {
    await open(ID);
    notFound();
    await render();
    await render();
    expect(el().textContent).not.toContain('Request not found');
    http.expectOne(`/api/v1/requests/${ID}`).flush(explanation());
    await render();
    expect(el().querySelectorAll('table.candidates tbody tr')).toHaveLength(2);
  });

  it('shows a friendly not-found state for a 404 that stays, and tries again on request', async () => {
    await open(ID);
    notFound();
    await render();
    await render();
    notFound();
    await render();
    expect(el().textContent).toContain('Request not found');
    expect(el().querySelector('a[href="/app/usage"]')).not.toBeNull();

    const retry = [...el().querySelectorAll('button')].find((b) => b.textContent?.includes('Try again'))!;
    retry.click();
    http.expectOne(`/api/v1/requests/${ID}`).flush(explanation());
    await render();
    expect(el().textContent).not.toContain('Request not found');
    expect(el().querySelectorAll('table.candidates tbody tr')).toHaveLength(2);
  });

  it('does not ask the gateway about something that is not a request id', async () => {
    await open('not-an-id');
    http.expectNone(() => true);
    expect(el().textContent).toContain('Request not found');
  });

  it('shows a server error with its request id, not as not-found', async () => {
    await open(ID);
    http
      .expectOne(`/api/v1/requests/${ID}`)
      .flush(
        { title: 'The gateway failed', status: 500, code: 'INTERNAL', correlationId: 'req-9' },
        { status: 500, statusText: 'Server Error' },
      );
    await render();
    expect(el().textContent).not.toContain('Request not found');
    expect(el().querySelector('[role="alert"]')?.textContent).toContain('req-9');
  });
});
