import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom, type Observable } from 'rxjs';
import type { Schemas } from '../../core/api/api';
import {
  type ExportFormat,
  filenameOf,
  type Grain,
  type UsageBreakdown,
  type UsageDimension,
  type UsageExportFile,
  type UsageRangeQuery,
  type UsageSummary,
  type UsageTimeseries,
} from '../../portal/usage/usage-api';

export type UsageByUserRow = Schemas['UsageByUserRow'];
export type UsageByUserView = Schemas['UsageByUserView'];

const BASE = '/api/v1/admin/usage';

const rangeParams = (range: UsageRangeQuery): HttpParams =>
  new HttpParams().set('from', range.from).set('to', range.to);

/** Every user's usage (GET /api/v1/admin/usage/…): the user page's queries, plus by user. */
@Injectable({ providedIn: 'root' })
export class AdminUsageApi {
  private readonly http = inject(HttpClient);

  summary(range: UsageRangeQuery): Observable<UsageSummary> {
    return this.http.get<UsageSummary>(`${BASE}/summary`, { params: rangeParams(range) });
  }

  breakdown(range: UsageRangeQuery, dimension: UsageDimension): Observable<UsageBreakdown> {
    const path = dimension === 'powerLevel' ? 'by-power-level' : `by-${dimension}`;
    return this.http.get<UsageBreakdown>(`${BASE}/${path}`, { params: rangeParams(range) });
  }

  timeseries(range: UsageRangeQuery, bucket: Grain): Observable<UsageTimeseries> {
    return this.http.get<UsageTimeseries>(`${BASE}/timeseries`, {
      params: rangeParams(range).set('bucket', bucket),
    });
  }

  /** The top spenders, most charged first. */
  byUser(range: UsageRangeQuery, limit: number): Observable<UsageByUserView> {
    return this.http.get<UsageByUserView>(`${BASE}/by-user`, {
      params: rangeParams(range).set('limit', limit),
    });
  }

  /** Every user's requests in the range, as a Blob fetched with the bearer token. */
  async export(range: UsageRangeQuery, format: ExportFormat): Promise<UsageExportFile> {
    const response = await firstValueFrom(
      this.http.get(`${BASE}/export`, {
        params: rangeParams(range).set('format', format),
        observe: 'response',
        responseType: 'blob',
      }),
    );
    const blob = response.body ?? new Blob([]);
    return {
      blob,
      filename: filenameOf(response.headers.get('content-disposition'), `usage-all.${format}`),
    };
  }
}
