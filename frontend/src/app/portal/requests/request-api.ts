import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { Observable } from 'rxjs';

type PowerLevel = 'eco' | 'balanced' | 'precision';

// until generated: CandidateRecord
export interface CandidateRecord {
  readonly modelId: string;
  readonly provider: string;
  readonly score: number;
  /** Each part from 0 to 1: the score is their weighted sum × (1 − errorPenalty), plus bonuses. */
  readonly components: {
    readonly cost: number;
    readonly latency: number;
    readonly quality: number;
    readonly errorPenalty: number;
  };
}

// until generated: FallbackTriggered['data']
export interface FallbackHop {
  readonly requestId: string;
  readonly userId: string;
  readonly fromModelId: string;
  readonly toModelId: string;
  readonly reason: string;
  readonly status: number | null;
  readonly attempt: number;
}

// until generated: UsageRecorded['data']
export interface RecordedUsage {
  readonly requestId: string;
  readonly userId: string;
  readonly provider: string;
  readonly modelId: string;
  readonly powerLevel: PowerLevel;
  readonly keySource: 'platform' | 'byok';
  readonly keyId?: string | null;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens: number;
  readonly cacheWriteTokens?: number;
  readonly cacheWrite1hTokens?: number;
  readonly reasoningTokens?: number;
  readonly estimated: boolean;
  readonly usageClamped?: boolean;
  readonly providerCostMicros: string;
  readonly chargedMicros: string;
  readonly tier?: string;
  readonly priceVersion?: number;
  readonly billingPolicyVersion?: number;
  readonly latencyMs: number;
  readonly timeToFirstTokenMs: number | null;
  readonly streamed: boolean;
  readonly finishReason: string | null;
  readonly outcome: 'completed' | 'interrupted';
  readonly attempts: number;
}

// until generated: RequestFailed['data']
export interface RequestFailure {
  readonly requestId: string;
  readonly userId: string;
  readonly reason: string;
  readonly status: number;
  readonly attempts: number;
  readonly lastProvider: string | null;
}

// until generated: RequestExplanation
export interface RequestExplanation {
  readonly requestId: string;
  readonly userId: string;
  readonly requestedModel: string;
  readonly powerLevel: string;
  readonly policyVersion: number;
  readonly routingMicroseconds: number;
  readonly streamed: boolean;
  /** Ranked, best first. */
  readonly candidates: readonly CandidateRecord[];
  readonly chosenModelId: string;
  readonly fallbacks: readonly FallbackHop[];
  readonly outcome: 'pending' | 'completed' | 'interrupted' | 'failed';
  readonly finalModelId: string | null;
  readonly usage: RecordedUsage | null;
  readonly failure: RequestFailure | null;
  readonly routedAt: string;
}

/** GET /api/v1/requests/:id: why a request went where it went (404 when it is not the caller's). */
@Injectable({ providedIn: 'root' })
export class RequestApi {
  private readonly http = inject(HttpClient);

  explanation(requestId: string): Observable<RequestExplanation> {
    return this.http.get<RequestExplanation>(`/api/v1/requests/${encodeURIComponent(requestId)}`);
  }
}
