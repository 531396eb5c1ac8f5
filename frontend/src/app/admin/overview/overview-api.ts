import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { Schemas } from '../../core/api/api';

/** GET /api/v1/admin/overview: the start page's numbers in one answer. */
export type AdminOverview = Schemas['AdminOverview'];

@Injectable({ providedIn: 'root' })
export class OverviewApi {
  private readonly http = inject(HttpClient);

  get(): Promise<AdminOverview> {
    return firstValueFrom(this.http.get<AdminOverview>('/api/v1/admin/overview'));
  }
}
