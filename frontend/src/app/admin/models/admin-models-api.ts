import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { Schemas } from '../../core/api/api';

/** A model as admins see it: prices in micro-dollars per million tokens (decimal strings). */
export type AdminModelView = Schemas['ModelView'];
export type AdminModelList = Schemas['ModelViewList'];
export type ModelPrices = AdminModelView['prices'];
/** One version of a model's prices, with who set it and when. */
export type PriceVersionView = Schemas['ModelPriceVersionView'];
export type PriceVersionList = Schemas['ModelPriceVersionList'];
export type AdminProviderView = Schemas['ProviderView'];
export type AddModelBody = Schemas['AddModelDto'];
/** PUT body; `deprecated.replacement` may be null ("no replacement"), which the generated type misses. */
export type ChangeModelBody = Omit<Schemas['ChangeModelDto'], 'deprecated'> & {
  readonly deprecated?: { readonly replacement: string | null };
};

const BASE = '/api/v1/admin/models';

/** `/api/v1/admin/models/{provider}/{model}`: a model id may contain `/`, sent as %2F. */
export const modelPath = (m: Pick<AdminModelView, 'provider' | 'model'>): string =>
  `${BASE}/${encodeURIComponent(m.provider)}/${encodeURIComponent(m.model)}`;

/** The admin catalog's models (and the providers they belong to). Errors arrive as ApiError. */
@Injectable()
export class AdminModelsApi {
  private readonly http = inject(HttpClient);

  list(): Promise<AdminModelList> {
    return firstValueFrom(this.http.get<AdminModelList>(BASE));
  }

  providers(): Promise<Schemas['ProviderViewList']> {
    return firstValueFrom(this.http.get<Schemas['ProviderViewList']>('/api/v1/admin/providers'));
  }

  add(body: AddModelBody): Promise<AdminModelView> {
    return firstValueFrom(this.http.post<AdminModelView>(BASE, body));
  }

  change(m: Pick<AdminModelView, 'provider' | 'model'>, body: ChangeModelBody): Promise<AdminModelView> {
    return firstValueFrom(this.http.put<AdminModelView>(modelPath(m), body));
  }

  priceVersions(m: Pick<AdminModelView, 'provider' | 'model'>): Promise<PriceVersionList> {
    return firstValueFrom(this.http.get<PriceVersionList>(`${modelPath(m)}/prices`));
  }
}
