import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom, map } from 'rxjs';
import type { Schemas } from '../../core/api/api';

export type RoutingPolicyView = Schemas['RoutingPolicyView'];
type GeneratedPolicyBody = Schemas['RoutingPolicyDto'];
export type BalancingView = Schemas['BalancingView'];
export type ProviderRateLimit = Schemas['ProviderRateLimitView'];
/**
 * The PUT (and preview) body. The generator types the DTO's record fields as Record<string, never>
 * (class-validator's @IsObject carries no value type), so they are spelt out here as the gateway reads them.
 */
export type RoutingPolicyBody = Omit<GeneratedPolicyBody, 'useCases' | 'balancing' | 'providerLimits'> & {
  useCases?: Record<string, string[]>;
  balancing?: { enabled: boolean; bandPercent?: number; weights?: Record<string, number> };
  providerLimits?: Record<string, ProviderRateLimit>;
};
export type LevelPolicyView = Schemas['PowerLevelPolicyView'];
export type RoutingPreviewView = Schemas['RoutingPreviewView'];
export type PreviewLevel = Schemas['RoutingPreviewLevelView'];
export type PreviewCandidate = Schemas['RoutingPreviewCandidateView'];
export type PreviewExclusion = Schemas['RoutingPreviewExclusionView'];
export type RoutingPolicyVersion = Schemas['RoutingPolicyVersionView'];
export type RoutingStrategy = Schemas['RoutingStrategy'];
export type FallbackReason = Schemas['FallbackReason'];
export type RoutingWeights = Schemas['RoutingWeights'];
export type Tier = Schemas['Tier'];
export type PowerLevel = Schemas['PowerLevel'];
export type WhatIfJob = Schemas['WhatIfJobView'];
export type WhatIfResult = Schemas['WhatIfResult'];
export type WhatIfSide = Schemas['WhatIfSide'];
export type WhatIfSample = Schemas['WhatIfSample'];
export type WhatIfBreakdownRow = Schemas['WhatIfBreakdownRow'];

/** POST /api/v1/admin/routing/what-if: a draft policy replayed over the recorded requests of [from, to]. */
export interface WhatIfBody {
  readonly policy: RoutingPolicyBody;
  readonly from: string;
  readonly to?: string;
  readonly powerLevel?: PowerLevel;
  readonly catalog?: 'then' | 'now';
}

/** The policy in force and its ETag (the version, quoted), for If-Match on save. */
export interface LoadedPolicy {
  readonly policy: RoutingPolicyView;
  readonly etag: string;
}

const POLICY_URL = '/api/v1/admin/routing/policy';
const PREVIEW_URL = '/api/v1/admin/routing/preview';
const WHAT_IF_URL = '/api/v1/admin/routing/what-if';

const loaded = (body: RoutingPolicyView | null, etag: string | null): LoadedPolicy => ({
  policy: body!,
  etag: etag ?? `"${body!.version}"`,
});

/**
 * The routing policy: read with its ETag, save with If-Match (a stale one is a 412), preview a draft
 * (nothing written), replay a draft over recorded requests (what-if) and the saved versions. Errors arrive as ApiError (interceptor).
 */
@Injectable({ providedIn: 'root' })
export class RoutingApi {
  private readonly http = inject(HttpClient);

  policy(): Promise<LoadedPolicy> {
    return firstValueFrom(
      this.http
        .get<RoutingPolicyView>(POLICY_URL, { observe: 'response' })
        .pipe(map((r) => loaded(r.body, r.headers.get('etag')))),
    );
  }

  save(body: RoutingPolicyBody, etag: string): Promise<LoadedPolicy> {
    return firstValueFrom(
      this.http
        .put<RoutingPolicyView>(POLICY_URL, body, { observe: 'response', headers: { 'if-match': etag } })
        .pipe(map((r) => loaded(r.body, r.headers.get('etag')))),
    );
  }

  preview(draft: RoutingPolicyBody, tier: Tier): Promise<RoutingPreviewView> {
    return firstValueFrom(this.http.post<RoutingPreviewView>(PREVIEW_URL, draft, { params: { tier } }));
  }

  /** Starts a what-if: done within 1.5 s it comes back finished (200), else running (202) to poll. */
  startWhatIf(body: WhatIfBody): Promise<WhatIfJob> {
    return firstValueFrom(this.http.post<WhatIfJob>(WHAT_IF_URL, body));
  }

  whatIf(id: string): Promise<WhatIfJob> {
    return firstValueFrom(this.http.get<WhatIfJob>(`${WHAT_IF_URL}/${encodeURIComponent(id)}`));
  }

  cancelWhatIf(id: string): Promise<WhatIfJob> {
    return firstValueFrom(this.http.delete<WhatIfJob>(`${WHAT_IF_URL}/${encodeURIComponent(id)}`));
  }

  history(): Promise<RoutingPolicyVersion[]> {
    return firstValueFrom(this.http.get<RoutingPolicyVersion[]>(`${POLICY_URL}/history`));
  }
}
