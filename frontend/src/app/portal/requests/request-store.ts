import { inject, Injectable, signal } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { ApiError } from '../../core/http/api-error';
import { RequestApi, type RequestExplanation } from './request-api';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One request's routing explanation; `notFound` when it is missing, not the caller's, or no request id. */
@Injectable()
export class RequestStore {
  private readonly api = inject(RequestApi);
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
      const explanation = await firstValueFrom(this.api.explanation(requestId));
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
}
