import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom, type Observable } from 'rxjs';

/** Counts, tokens, money (integer micro-dollar strings), rates and averages of a set of requests. */
// until generated: UsageTotals
export interface UsageTotals {
  readonly requests: number;
  readonly failedRequests: number;
  readonly interruptedRequests: number;
  readonly fallbackRequests: number;
  readonly streamedRequests: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens: number;
  readonly cacheWriteTokens: number;
  readonly totalTokens: number;
  readonly providerCostMicros: string;
  readonly chargedMicros: string;
  readonly fallbackRate: number;
  readonly failureRate: number;
  readonly avgLatencyMs: number | null;
  readonly avgTimeToFirstTokenMs: number | null;
}

// until generated: KeySourceShare
export interface KeySourceShare extends UsageTotals {
  readonly shareOfRequests: number;
  readonly shareOfCost: number;
}

// until generated: UsageSummary
export interface UsageSummary extends UsageTotals {
  readonly from: string;
  readonly to: string;
  readonly userId: string | null;
  readonly byok: KeySourceShare;
  readonly platform: KeySourceShare;
}

export type UsageDimension = 'provider' | 'model' | 'powerLevel';

// until generated: UsageBreakdownItem
export interface UsageBreakdownItem extends UsageTotals {
  readonly provider?: string;
  readonly model?: string;
  readonly powerLevel?: string;
  readonly shareOfRequests: number;
  readonly shareOfCharge: number;
}

// until generated: UsageBreakdown
export interface UsageBreakdown {
  readonly from: string;
  readonly to: string;
  readonly userId: string | null;
  readonly dimension: UsageDimension;
  readonly data: readonly UsageBreakdownItem[];
}

export type Grain = 'hour' | 'day';

// until generated: UsageBucket
export interface UsageBucket extends UsageTotals {
  /** YYYY-MM-DD (day) or YYYY-MM-DDTHH:00:00Z (hour), UTC. */
  readonly bucket: string;
}

// until generated: UsageTimeseries
export interface UsageTimeseries {
  readonly from: string;
  readonly to: string;
  readonly userId: string | null;
  readonly bucket: Grain;
  /** Buckets with usage only (sparse), oldest first. */
  readonly data: readonly UsageBucket[];
}

// until generated: UsageRequestView
export interface UsageRequestView {
  readonly requestId: string;
  readonly occurredAt: string;
  readonly userId: string;
  readonly provider: string;
  readonly model: string;
  readonly powerLevel: string;
  readonly keySource: 'platform' | 'byok';
  readonly outcome: 'completed' | 'interrupted' | 'failed';
  readonly attempts: number;
  readonly streamed: boolean;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens: number;
  readonly cacheWriteTokens: number;
  readonly totalTokens: number;
  readonly estimated: boolean;
  readonly providerCostMicros: string;
  readonly chargedMicros: string;
  readonly latencyMs: number | null;
  readonly timeToFirstTokenMs: number | null;
  readonly finishReason: string | null;
  readonly failureReason: string | null;
  readonly explanationUrl: string;
}

// until generated: UsageRequestsPage
export interface UsageRequestsPage {
  readonly from: string;
  readonly to: string;
  readonly userId: string | null;
  readonly data: readonly UsageRequestView[];
  readonly nextCursor: string | null;
}

// until generated: UsageByKeyRow
export interface UsageByKeyRow {
  /** null: requests made while signed in (an access token, not a gateway key). */
  readonly apiKeyId: string | null;
  readonly label: string | null;
  readonly masked: string | null;
  readonly revoked?: boolean;
  readonly requests: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly costMicros: string;
  readonly shareOfRequests?: number;
  readonly shareOfCharge?: number;
}

// until generated: UsageByKeyView
export interface UsageByKeyView {
  readonly from?: string;
  readonly to?: string;
  readonly rows: readonly UsageByKeyRow[];
}

// until generated: UsageForecastView
export interface UsageForecastView {
  readonly monthStart: string;
  /** Exclusive: the first instant of the next month. */
  readonly monthEnd: string;
  readonly monthToDateMicros: string;
  readonly forecastMonthEndMicros: string;
  readonly capMicros: string | null;
  readonly capMode: 'soft' | 'hard' | null;
  readonly projectedOverCap: boolean;
  readonly dailyRateMicros: string;
  readonly balanceMicros: string;
  /** Balance ÷ daily rate; null when nothing was spent lately. */
  readonly daysOfCreditLeft: number | null;
}

/** [from, to) as ISO 8601 instants. */
export interface UsageRangeQuery {
  readonly from: string;
  readonly to: string;
}

export type ExportFormat = 'csv' | 'json';

/** An export as the gateway named it. */
export interface UsageExportFile {
  readonly blob: Blob;
  readonly filename: string;
}

const BASE = '/api/v1/me/usage';

const rangeParams = (range: UsageRangeQuery): HttpParams =>
  new HttpParams().set('from', range.from).set('to', range.to);

/** `attachment; filename="usage-….csv"` → the file name; a fallback when the header is missing. */
export function filenameOf(disposition: string | null, fallback: string): string {
  const m = disposition ? /filename="?([^";]+)"?/i.exec(disposition) : null;
  return m?.[1] ?? fallback;
}

/** The caller's usage queries (GET /api/v1/me/usage/…) and the routing explanation of one request. */
@Injectable({ providedIn: 'root' })
export class UsageApi {
  private readonly http = inject(HttpClient);

  summary(range: UsageRangeQuery): Observable<UsageSummary> {
    return this.http.get<UsageSummary>(`${BASE}/summary`, { params: rangeParams(range) });
  }

  breakdown(range: UsageRangeQuery, dimension: UsageDimension): Observable<UsageBreakdown> {
    const path = dimension === 'powerLevel' ? 'by-power-level' : `by-${dimension}`;
    return this.http.get<UsageBreakdown>(`${BASE}/${path}`, { params: rangeParams(range) });
  }

  byKey(range: UsageRangeQuery): Observable<UsageByKeyView> {
    return this.http.get<UsageByKeyView>(`${BASE}/by-key`, { params: rangeParams(range) });
  }

  timeseries(range: UsageRangeQuery, bucket: Grain): Observable<UsageTimeseries> {
    return this.http.get<UsageTimeseries>(`${BASE}/timeseries`, {
      params: rangeParams(range).set('bucket', bucket),
    });
  }

  requests(range: UsageRangeQuery, limit: number, cursor: string | null): Observable<UsageRequestsPage> {
    let params = rangeParams(range).set('limit', limit);
    if (cursor) params = params.set('cursor', cursor);
    return this.http.get<UsageRequestsPage>(`${BASE}/requests`, { params });
  }

  forecast(): Observable<UsageForecastView> {
    return this.http.get<UsageForecastView>(`${BASE}/forecast`);
  }

  /** The export as a Blob: fetched with the bearer token (a plain link would carry none). */
  async export(range: UsageRangeQuery, format: ExportFormat): Promise<UsageExportFile> {
    const response = await firstValueFrom(
      this.http.get(`${BASE}/export`, {
        params: rangeParams(range).set('format', format),
        observe: 'response',
        responseType: 'blob',
      }),
    );
    const blob = response.body ?? new Blob([]);
    return { blob, filename: filenameOf(response.headers.get('content-disposition'), `usage.${format}`) };
  }
}
