import { inject, Injectable, InjectionToken, signal } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { ApiError } from '../../core/http/api-error';
import { RequestApi, type RequestExplanation } from './request-api';

/**
 * A request opened right after it was sent (from the playground) may not be in the explanations read
 * model yet: a 404 is asked again after these pauses before the page says "not found".
 */
export const NOT_FOUND_RETRY_MS = new InjectionToken<readonly number[]>('NOT_FOUND_RETRY_MS', {
  factory: () => [300, 1000],
});

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One request's routing explanation; `notFound` when it is missing, not the caller's, or no request id. */
@Injectable()
export class RequestStore {
  private readonly api = inject(RequestApi);
  private readonly retryMs = inject(NOT_FOUND_RETRY_MS);
  private generation = 0;

  private readonly explanationState = signal<RequestExplanation | null>(null);
  private readonly loadingState = signal(false);
  private readonly errorState = signal<ApiError | null>(null);
  private readonly notFoundState = signal(false);

  readonly explanation = this.explanationState.asReadonly();
  readonly loading = this.loadingState.asReadonly();
  readonly error = this.errorState.asReadonly();
  readonly notFound = this.notFoundState.asReadonly();

  async load(requestId: string): Promise<void> {
    const gen = ++this.generation;
    this.errorState.set(null);
    this.notFoundState.set(false);
    if (!UUID.test(requestId)) {
      // The gateway would answer 400 (not an id): to the user it is simply no such request.
      this.explanationState.set(null);
      this.notFoundState.set(true);
      return;
    }
    this.loadingState.set(true);
    try {
      const explanation = await this.fetch(requestId, gen);
      if (gen === this.generation) this.explanationState.set(explanation);
    } catch (e) {
      if (gen !== this.generation) return;
      this.explanationState.set(null);
      if (e instanceof ApiError && (e.status === 404 || e.status === 400)) this.notFoundState.set(true);
      else
        this.errorState.set(
          e instanceof ApiError ? e : new ApiError(0, 'client_error', 'Something went wrong', null, null),
        );
    } finally {
      if (gen === this.generation) this.loadingState.set(false);
    }
  }

  /** The explanation, asking again after a 404 while the read model may still be catching up. */
  private async fetch(requestId: string, gen: number): Promise<RequestExplanation> {
    for (const wait of this.retryMs) {
      try {
        return await firstValueFrom(this.api.explanation(requestId));
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 404) || gen !== this.generation) throw e;
      }
      await pause(wait);
    }
    return firstValueFrom(this.api.explanation(requestId));
  }
}
