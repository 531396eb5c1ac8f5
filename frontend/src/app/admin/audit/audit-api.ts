import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { Schemas } from '../../core/api/api';

/** A page of streams (search results): each with the account it is named after, if any. */
export type AuditStreamList = Schemas['AuditStreamList'];
export type AuditStreamEntry = Schemas['AuditStreamEntry'];
/** A stream replayed from revision 0 with its chain's verdict. */
export type AuditStreamView = Schemas['AuditStreamView'];
export type AuditEventView = Schemas['AuditEventView'];
export type ChainView = Schemas['ChainView'];

export interface StreamSearch {
  readonly category: string;
  readonly q: string;
  readonly after?: string | null;
  readonly limit?: number;
}

const BASE = '/api/v1/audit/streams';

/** The audit replay: /api/v1/audit/streams (auditors and admins). Errors arrive as ApiError. */
@Injectable({ providedIn: 'root' })
export class AuditApi {
  private readonly http = inject(HttpClient);

  search({ category, q, after, limit }: StreamSearch): Promise<AuditStreamList> {
    let params = new HttpParams().set('category', category);
    if (q.trim() !== '') params = params.set('q', q.trim());
    if (after) params = params.set('after', after);
    if (limit !== undefined) params = params.set('limit', String(limit));
    return firstValueFrom(this.http.get<AuditStreamList>(BASE, { params }));
  }

  stream(streamId: string): Promise<AuditStreamView> {
    return firstValueFrom(this.http.get<AuditStreamView>(`${BASE}/${encodeURIComponent(streamId)}`));
  }
}
