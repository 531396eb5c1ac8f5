import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { Schemas } from '../../core/api/api';

export type CatalogModelView = Schemas['CatalogModelView'];
export type CatalogModelsView = Schemas['CatalogModelsView'];
export type ModelAlias = Schemas['ModelAlias'];
export type ModelHealth = CatalogModelView['health'];

/** GET /api/v1/catalog/models: the enabled models as the signed-in user sees them. */
@Injectable()
export class ModelsApi {
  private readonly http = inject(HttpClient);

  catalog(): Promise<CatalogModelsView> {
    return firstValueFrom(this.http.get<CatalogModelsView>('/api/v1/catalog/models'));
  }
}
