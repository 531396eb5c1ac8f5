import type { MockInstance } from 'vitest';
import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { AuthStore } from '../../core/auth/auth-store';
import { toApiError } from '../../core/http/api-error';
import { problemInterceptor } from '../../core/http/interceptors';
import type { ChatAnswerMeta, ChatRequest, ChatStreamEvent } from './chat-stream';
import { PlaygroundApi, type IssuedKeyView, type RequestExplanation } from './playground-api';
import { EXPLANATION_RETRY_DELAYS_MS, PlaygroundStore } from './playground-store';

const REQUEST_ID = '3f1c2a8e-5b7d-4c1e-9a0b-222222222222';
const META: ChatAnswerMeta = {
  requestId: REQUEST_ID,
  provider: 'swift',
  model: 'swift/mini',
  attempts: 1,
  byok: null,
  capWarning: null,
  deprecated: null,
  ignoredParams: null,
};
const ASK: ChatRequest = { model: 'auto', message: 'Hello', powerLevel: null };
const KEY: IssuedKeyView = {
  id: 'k1',
  name: 'Playground session',
  maskedKey: 'sk-sy-…abcd',
  createdAt: '2026-12-06T23:00:00.000Z',
  lastUsedAt: null,
  apiKey: 'sk-sy-secret-abcd',
};
const EXPLANATION: RequestExplanation = {
  requestId: REQUEST_ID,
  requestedModel: 'auto',
  powerLevel: 'balanced',
  outcome: 'completed',
  finalModelId: 'swift/mini',
  usage: {
    provider: 'swift',
    modelId: 'swift/mini',
    keySource: 'platform',
    promptTokens: 5,
    completionTokens: 2,
    providerCostMicros: '10',
    chargedMicros: '12',
    latencyMs: 84,
    timeToFirstTokenMs: 20,
    attempts: 1,
  },
};
const problem = (status: number, code: string, detail: string) => ({
  body: { type: 'about:blank', title: 'error', status, detail, code, correlationId: 'c1' },
  init: { status, statusText: 'Error', headers: { 'content-type': 'application/problem+json' } },
});

async function* answer(...events: ChatStreamEvent[]): AsyncGenerator<ChatStreamEvent> {
  for (const e of events) yield e;
}

describe('PlaygroundStore', () => {
  let store: PlaygroundStore;
  let api: PlaygroundApi;
  let http: HttpTestingController;
  let stream: MockInstance<PlaygroundApi['streamChat']>;
  let unloadRevoke: MockInstance<PlaygroundApi['revokeKeyOnUnload']>;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
        { provide: AuthStore, useValue: { accessToken: signal('session-token'), sessionEnded: vi.fn() } },
        { provide: EXPLANATION_RETRY_DELAYS_MS, useValue: [0, 0, 0] },
        PlaygroundApi,
        PlaygroundStore,
      ],
    });
    store = TestBed.inject(PlaygroundStore);
    api = TestBed.inject(PlaygroundApi);
    http = TestBed.inject(HttpTestingController);
    stream = vi.spyOn(api, 'streamChat');
    unloadRevoke = vi.spyOn(api, 'revokeKeyOnUnload').mockImplementation(() => undefined);
  });
  afterEach(() => http.verify());

  const explanationCall = () => vi.waitFor(() => http.expectOne(`/api/v1/requests/${REQUEST_ID}`));

  it('loads the catalog’s models and aliases', async () => {
    const loading = store.load();
    http
      .expectOne('/api/v1/catalog/models')
      .flush({ models: [], aliases: [{ name: 'auto', description: 'd' }] });
    await loading;
    expect(store.loading()).toBe(false);
    expect(store.aliases().map((a) => a.name)).toEqual(['auto']);
  });

  it('streams the answer with the session token, then waits for the explanation until it is recorded', async () => {
    stream.mockImplementation(() =>
      answer(
        { kind: 'meta', meta: META },
        { kind: 'delta', text: 'Hi ' },
        { kind: 'delta', text: 'there' },
        {
          kind: 'usage',
          usage: {
            promptTokens: 5,
            completionTokens: 2,
            totalTokens: 7,
            costMicros: '10',
            chargeMicros: '12',
          },
        },
        { kind: 'done' },
      ),
    );
    const sending = store.send(ASK);
    const notYet = problem(404, 'ROUTING.REQUEST_NOT_FOUND', 'No request');
    (await explanationCall()).flush(notYet.body, notYet.init);
    (await explanationCall()).flush({ ...EXPLANATION, outcome: 'pending', usage: null });
    (await explanationCall()).flush(EXPLANATION);
    await sending;

    expect(stream).toHaveBeenCalledWith(ASK, 'session-token', expect.any(AbortSignal));
    expect(store.status()).toBe('done');
    expect(store.answer()).toBe('Hi there');
    expect(store.meta()).toEqual(META);
    expect(store.usage()?.chargeMicros).toBe('12');
    expect(store.timing().firstTokenMs).not.toBeNull();
    expect(store.timing().totalMs).not.toBeNull();
    expect(store.explanationState()).toBe('ready');
    expect(store.explanation()?.usage?.latencyMs).toBe(84);
  });

  it('gives up on the explanation after the bounded number of looks', async () => {
    stream.mockImplementation(() => answer({ kind: 'meta', meta: META }, { kind: 'done' }));
    const sending = store.send(ASK);
    const notYet = problem(404, 'ROUTING.REQUEST_NOT_FOUND', 'No request');
    for (let look = 0; look < 3; look++) (await explanationCall()).flush(notYet.body, notYet.init);
    await sending;
    http.expectNone(`/api/v1/requests/${REQUEST_ID}`);
    expect(store.explanationState()).toBe('unavailable');
  });

  it('shows an error answer (402) readably and looks up no explanation', async () => {
    stream.mockImplementation(async function* () {
      yield* [];
      throw toApiError(
        402,
        { error: { message: 'Your credit balance is too low.', code: 'insufficient_credits' } },
        'r9',
      );
    });
    await store.send(ASK);
    expect(store.status()).toBe('failed');
    expect(store.runError()?.status).toBe(402);
    expect(store.runError()?.describe()).toBe('Your credit balance is too low.');
    http.expectNone(() => true);
  });

  it('stops a streaming answer: what arrived stays', async () => {
    stream.mockImplementation(async function* (_r: ChatRequest, _b: string, signal: AbortSignal) {
      yield { kind: 'meta', meta: META } as ChatStreamEvent;
      yield { kind: 'delta', text: 'partial' } as ChatStreamEvent;
      await new Promise((_, reject) =>
        signal.addEventListener('abort', () => reject(new DOMException('Aborted', 'AbortError'))),
      );
    });
    const sending = store.send(ASK);
    await vi.waitFor(() => expect(store.answer()).toBe('partial'));
    expect(store.streaming()).toBe(true);
    store.stop();
    (await explanationCall()).flush({ ...EXPLANATION, outcome: 'interrupted' });
    await sending;
    expect(store.status()).toBe('stopped');
    expect(store.answer()).toBe('partial');
  });

  it('creates a session key (asking for the password when the sign-in is old), sends with it, revokes it on leaving', async () => {
    let creating = store.createSessionKey();
    const reauth = problem(403, 'AUTH.REAUTHENTICATION_REQUIRED', 'Send your password.');
    const first = http.expectOne({ method: 'POST', url: '/api/v1/me/api-keys' });
    expect(first.request.body.name).toMatch(/^Playground session \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(first.request.body.password).toBeUndefined();
    first.flush(reauth.body, reauth.init);
    await creating;
    expect(store.needsPassword()).toBe(true);
    expect(store.sessionKey()).toBeNull();

    creating = store.createSessionKey('hunter22');
    const second = http.expectOne({ method: 'POST', url: '/api/v1/me/api-keys' });
    expect(second.request.body.password).toBe('hunter22');
    second.flush(KEY);
    await creating;
    expect(store.keyChoice()).toBe('created');
    expect(store.sessionKey()).toEqual({ id: 'k1', name: KEY.name, maskedKey: KEY.maskedKey });
    expect(JSON.stringify(store.sessionKey())).not.toContain(KEY.apiKey);

    stream.mockImplementation(() => answer({ kind: 'done' }));
    await store.send(ASK);
    expect(stream).toHaveBeenCalledWith(ASK, KEY.apiKey, expect.any(AbortSignal));

    TestBed.resetTestingModule();
    expect(unloadRevoke).toHaveBeenCalledWith('k1', KEY.apiKey);
  });

  it('revokes the session key on request and goes back to the signed-in session', async () => {
    const creating = store.createSessionKey();
    http.expectOne({ method: 'POST', url: '/api/v1/me/api-keys' }).flush(KEY);
    await creating;
    const revoking = store.revokeSessionKey();
    http
      .expectOne({ method: 'DELETE', url: '/api/v1/me/api-keys/k1' })
      .flush(null, { status: 204, statusText: 'No Content' });
    await revoking;
    expect(store.sessionKey()).toBeNull();
    expect(store.keyChoice()).toBe('session');
    TestBed.resetTestingModule();
    expect(unloadRevoke).not.toHaveBeenCalled();
  });

  it('sends nothing without a key to send with', async () => {
    store.chooseKey('pasted');
    expect(store.keyProblem()).toBe('Paste a gateway key first.');
    await store.send(ASK);
    expect(stream).not.toHaveBeenCalled();
    expect(store.status()).toBe('failed');
    store.setPastedKey('  sk-sy-pasted  ');
    stream.mockImplementation(() => answer({ kind: 'done' }));
    await store.send(ASK);
    expect(stream).toHaveBeenCalledWith(ASK, 'sk-sy-pasted', expect.any(AbortSignal));
  });
});
