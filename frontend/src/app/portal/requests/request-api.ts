import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { Observable } from 'rxjs';
import type { Schemas } from '../../core/api/api';

export type RequestExplanation = Schemas['RequestExplanation'];
/** Each part from 0 to 1: the score is their weighted sum × (1 − errorPenalty), plus bonuses. */
export type CandidateRecord = Schemas['CandidateRecord'];
export type FallbackHop = RequestExplanation['fallbacks'][number];
export type RecordedUsage = NonNullable<RequestExplanation['usage']>;
export type RequestFailure = NonNullable<RequestExplanation['failure']>;

/** GET /api/v1/requests/:id: why a request went where it went (404 when it is not the caller's). */
@Injectable({ providedIn: 'root' })
export class RequestApi {
  private readonly http = inject(HttpClient);

  explanation(requestId: string): Observable<RequestExplanation> {
    return this.http.get<RequestExplanation>(`/api/v1/requests/${encodeURIComponent(requestId)}`);
  }
}
