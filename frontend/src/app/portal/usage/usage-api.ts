import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom, type Observable } from 'rxjs';
import type { Schemas } from '../../core/api/api';

/** Counts, tokens, money (integer micro-dollar strings), rates and averages of a set of requests. */
export type UsageTotals = Omit<Schemas['UsageBucket'], 'bucket'>;
export type UsageSummary = Schemas['UsageSummary'];
export type UsageDimension = Schemas['UsageDimension'];
export type UsageBreakdownItem = Schemas['UsageBreakdownItem'];
export type UsageBreakdown = Schemas['UsageBreakdown'];
export type Grain = Schemas['Grain'];
export type UsageBucket = Schemas['UsageBucket'];
export type UsageTimeseries = Schemas['UsageTimeseries'];
export type UsageRequestView = Schemas['UsageRequestView'];
export type UsageRequestsPage = Schemas['UsageRequestsPage'];

// until generated: UsageByKeyRow
export interface UsageByKeyRow {
  /** The gateway key; null for requests made while signed in (an access token, not a key). */
  readonly apiKeyId: string | null;
  /** The key's name; "Signed-in session" for requests made with an access token. */
  readonly label: string | null;
  readonly masked: string | null;
  /** The key has since been revoked. */
  readonly revoked: boolean;
  readonly requests: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** What the caller was charged for them. */
  readonly costMicros: string;
  readonly shareOfRequests: number;
  readonly shareOfCharge: number;
}

// until generated: UsageByKeyView
export interface UsageByKeyView {
  readonly from: string;
  readonly to: string;
  /** Most charged first. */
  readonly rows: readonly UsageByKeyRow[];
}

// until generated: UsageForecastView
export interface UsageForecastView {
  readonly monthStart: string;
  /** Exclusive: the first instant of the next month. */
  readonly monthEnd: string;
  /** This month's spend: the figure the monthly cap is checked against. */
  readonly monthToDateMicros: string;
  /** Month to date plus the recent daily rate over the rest of the month. */
  readonly forecastMonthEndMicros: string;
  readonly capMicros: string | null;
  readonly capMode: 'soft' | 'hard' | null;
  readonly projectedOverCap: boolean;
  /** What was charged over the last 7 days, per day: the rate the forecast uses. */
  readonly dailyRateMicros: string;
  /** The window that rate was measured over. */
  readonly rateWindow: { readonly from: string; readonly to: string };
  readonly balanceMicros: string;
  /** Balance ÷ daily rate, one decimal; null when the rate is 0. */
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
