import type { components } from './api-types';

/** Every response and request type of the gateway's API, generated from its OpenAPI document. */
export type Schemas = components['schemas'];
export type Me = Schemas['MeView'];
export type AccessToken = Schemas['AccessTokenView'];
export type AuthConfig = Schemas['AuthConfigView'];
export type Role = Me['roles'][number];
export type PowerLevel = Me['powerLevel'];
