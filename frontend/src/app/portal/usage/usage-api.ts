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

export type UsageByKeyRow = Schemas['UsageByKeyRow'];
export type UsageByKeyView = Schemas['UsageByKeyView'];
export type UsageForecastView = Schemas['UsageForecastView'];

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
