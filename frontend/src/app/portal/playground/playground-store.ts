import { computed, DestroyRef, inject, Injectable, InjectionToken, signal } from '@angular/core';
import { AuthStore } from '../../core/auth/auth-store';
import { ApiError, asApiError } from '../../core/http/api-error';
import type { ChatAnswerMeta, ChatAnswerUsage, ChatRequest } from './chat-stream';
import {
  PlaygroundApi,
  type CatalogModelView,
  type IssuedKeyView,
  type ModelAlias,
  type RequestExplanation,
} from './playground-api';

/**
 * The waits before each look for the request's explanation after the stream ends (its read model
 * follows the events; the first wait spares a look that would find nothing yet). Bounded: after the
 * last look the page says it is not recorded yet.
 */
export const EXPLANATION_RETRY_DELAYS_MS = new InjectionToken<readonly number[]>('explanation retry delays', {
  factory: () => [250, 500, 1000, 2000, 4000],
});

/** Which credential the chat is sent with. */
export type KeyChoice = 'session' | 'created' | 'pasted';

export type RunStatus = 'idle' | 'streaming' | 'done' | 'stopped' | 'failed';

export interface RunTiming {
  /** From sending to the first piece of the answer, as this browser saw it. */
  readonly firstTokenMs: number | null;
  readonly totalMs: number | null;
}

export type ExplanationState = 'idle' | 'waiting' | 'ready' | 'unavailable';

/** Page state for /app/playground; provided by the page, so a session key dies with it. */
@Injectable()
export class PlaygroundStore {
  private readonly api = inject(PlaygroundApi);
  private readonly auth = inject(AuthStore);
  private readonly retryDelays = inject(EXPLANATION_RETRY_DELAYS_MS);

  private readonly catalogModels = signal<readonly CatalogModelView[]>([]);
  private readonly catalogAliases = signal<readonly ModelAlias[]>([]);
  private readonly catalogLoading = signal(true);
  private readonly catalogError = signal<ApiError | null>(null);

  private readonly choice = signal<KeyChoice>('session');
  private readonly issued = signal<IssuedKeyView | null>(null);
  private readonly pasted = signal('');
  private readonly keyWorking = signal(false);
  private readonly keyFailure = signal<ApiError | null>(null);
  private readonly passwordWanted = signal(false);

  private readonly runStatus = signal<RunStatus>('idle');
  private readonly answerText = signal('');
  private readonly answerMeta = signal<ChatAnswerMeta | null>(null);
  private readonly answerUsage = signal<ChatAnswerUsage | null>(null);
  private readonly answerTiming = signal<RunTiming>({ firstTokenMs: null, totalMs: null });
  private readonly runFailure = signal<ApiError | null>(null);
  private readonly explained = signal<RequestExplanation | null>(null);
  private readonly explainState = signal<ExplanationState>('idle');

  private abort: AbortController | null = null;
  /** Bumped per run: a late answer of an older run (or of a destroyed page) changes nothing. */
  private run = 0;
  private destroyed = false;

  readonly models = this.catalogModels.asReadonly();
  readonly aliases = this.catalogAliases.asReadonly();
  readonly loading = this.catalogLoading.asReadonly();
  readonly error = this.catalogError.asReadonly();

  readonly keyChoice = this.choice.asReadonly();
  /** The key made for this page (its secret stays in memory; the page shows only the masked form). */
  readonly sessionKey = computed(() => {
    const key = this.issued();
    return key ? { id: key.id, name: key.name, maskedKey: key.maskedKey } : null;
  });
  readonly keyBusy = this.keyWorking.asReadonly();
  readonly keyError = this.keyFailure.asReadonly();
  /** Creating a key needs the password (the sign-in is more than 15 minutes old). */
  readonly needsPassword = this.passwordWanted.asReadonly();
  readonly hasPastedKey = computed(() => this.pasted().trim().length > 0);
  /** Why sending is not possible with the chosen credential; null when it is. */
  readonly keyProblem = computed<string | null>(() => {
    switch (this.choice()) {
      case 'session':
        return this.auth.accessToken() ? null : 'You are signed out. Sign in again to send.';
      case 'created':
        return this.issued() ? null : 'Create a key for this session first.';
      case 'pasted':
        return this.hasPastedKey() ? null : 'Paste a gateway key first.';
    }
  });

  readonly status = this.runStatus.asReadonly();
  readonly streaming = computed(() => this.runStatus() === 'streaming');
  readonly answer = this.answerText.asReadonly();
  readonly meta = this.answerMeta.asReadonly();
  readonly usage = this.answerUsage.asReadonly();
  readonly timing = this.answerTiming.asReadonly();
  readonly runError = this.runFailure.asReadonly();
  readonly explanation = this.explained.asReadonly();
  readonly explanationState = this.explainState.asReadonly();

  constructor() {
    const onPageHide = (): void => this.revokeOnUnload();
    window.addEventListener('pagehide', onPageHide);
    inject(DestroyRef).onDestroy(() => {
      window.removeEventListener('pagehide', onPageHide);
      this.dispose();
    });
  }

  async load(): Promise<void> {
    this.catalogLoading.set(true);
    this.catalogError.set(null);
    try {
      const catalog = await this.api.catalog();
      this.catalogModels.set(catalog.models);
      this.catalogAliases.set(catalog.aliases);
    } catch (e) {
      this.catalogError.set(asApiError(e));
    } finally {
      this.catalogLoading.set(false);
    }
  }

  chooseKey(choice: KeyChoice): void {
    this.choice.set(choice);
    this.keyFailure.set(null);
  }

  setPastedKey(key: string): void {
    this.pasted.set(key);
  }

  /** POST /api/v1/me/api-keys; the key lives in memory and is revoked when the page goes away. */
  async createSessionKey(password?: string): Promise<void> {
    if (this.keyWorking() || this.issued()) return;
    this.keyWorking.set(true);
    this.keyFailure.set(null);
    try {
      const label = `Playground session ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`;
      const key = await this.api.createKey(label, password);
      if (this.destroyed) {
        this.api.revokeKeyOnUnload(key.id, key.apiKey);
        return;
      }
      this.issued.set(key);
      this.passwordWanted.set(false);
      this.choice.set('created');
    } catch (e) {
      const error = asApiError(e);
      if (error.code === 'AUTH.REAUTHENTICATION_REQUIRED') this.passwordWanted.set(true);
      this.keyFailure.set(error);
    } finally {
      this.keyWorking.set(false);
    }
  }

  /** Revokes the session key now; the page goes back to the signed-in session. */
  async revokeSessionKey(): Promise<void> {
    const key = this.issued();
    if (!key || this.keyWorking()) return;
    this.keyWorking.set(true);
    this.keyFailure.set(null);
    try {
      await this.api.revokeKey(key.id);
      this.issued.set(null);
      if (this.choice() === 'created') this.choice.set('session');
    } catch (e) {
      this.keyFailure.set(asApiError(e));
    } finally {
      this.keyWorking.set(false);
    }
  }

  /** Sends one message and streams the answer; then looks up the routing explanation. */
  async send(request: ChatRequest): Promise<void> {
    if (this.streaming()) return;
    const bearer = this.bearer();
    const run = ++this.run;
    this.answerText.set('');
    this.answerMeta.set(null);
    this.answerUsage.set(null);
    this.answerTiming.set({ firstTokenMs: null, totalMs: null });
    this.runFailure.set(null);
    this.explained.set(null);
    this.explainState.set('idle');
    if (!bearer) {
      this.runFailure.set(
        new ApiError(401, 'no_key', this.keyProblem() ?? 'No key to send with', null, null),
      );
      this.runStatus.set('failed');
      return;
    }
    const abort = new AbortController();
    this.abort = abort;
    this.runStatus.set('streaming');
    const started = performance.now();
    try {
      for await (const event of this.api.streamChat(request, bearer, abort.signal)) {
        if (run !== this.run) return;
        switch (event.kind) {
          case 'meta':
            this.answerMeta.set(event.meta);
            break;
          case 'delta':
            if (this.answerTiming().firstTokenMs === null)
              this.answerTiming.set({ firstTokenMs: Math.round(performance.now() - started), totalMs: null });
            this.answerText.update((text) => text + event.text);
            break;
          case 'usage':
            this.answerUsage.set(event.usage);
            break;
          case 'done':
            break;
        }
      }
      this.runStatus.set('done');
    } catch (e) {
      if (run !== this.run) return;
      if (abort.signal.aborted) this.runStatus.set('stopped');
      else {
        this.runFailure.set(asApiError(e));
        this.runStatus.set('failed');
      }
    } finally {
      if (run === this.run) {
        this.abort = null;
        this.answerTiming.update((t) => ({ ...t, totalMs: Math.round(performance.now() - started) }));
      }
    }
    const meta = this.answerMeta();
    if (meta?.requestId && !this.destroyed) await this.explain(meta.requestId, run);
  }

  /** Stops the answer: the gateway records what was streamed so far (outcome `interrupted`). */
  stop(): void {
    this.abort?.abort();
  }

  private bearer(): string | null {
    switch (this.choice()) {
      case 'session':
        return this.auth.accessToken();
      case 'created':
        return this.issued()?.apiKey ?? null;
      case 'pasted':
        return this.pasted().trim() || null;
    }
  }

  /**
   * GET /api/v1/requests/:id until it reports how the request ended (its read model follows the
   * events), one look after each of the retry delays; then the page says it is not recorded yet.
   */
  private async explain(requestId: string, run: number): Promise<void> {
    this.explainState.set('waiting');
    for (const delay of this.retryDelays) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (run !== this.run || this.destroyed) return;
      try {
        const explanation = await this.api.explanation(requestId);
        if (run !== this.run) return;
        if (explanation.outcome !== 'pending') {
          this.explained.set(explanation);
          this.explainState.set('ready');
          return;
        }
      } catch (e) {
        if (run !== this.run) return;
        // 404: not projected yet; anything else will not get better by asking again.
        if (!(e instanceof ApiError && e.status === 404)) break;
      }
    }
    this.explainState.set('unavailable');
  }

  private dispose(): void {
    this.destroyed = true;
    this.run++;
    this.abort?.abort();
    this.revokeOnUnload();
  }

  /** The key revokes itself (the session may be over by now); a keepalive fetch outlives the page. */
  private revokeOnUnload(): void {
    const key = this.issued();
    if (!key) return;
    this.issued.set(null);
    if (this.choice() === 'created') this.choice.set('session');
    this.api.revokeKeyOnUnload(key.id, key.apiKey);
  }
}
