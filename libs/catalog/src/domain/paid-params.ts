import { ValidationError } from '@gw/shared-kernel';

/**
 * Chat-request features that change what a provider charges in ways the catalog's token prices do
 * not cover (a faster tier, stored completions, web searches, audio output, predicted outputs). They
 * are refused unless an admin allows them on the provider (`ProviderSpec.allowedPaidParams`).
 */
export const PAID_PARAMS = ['service_tier', 'store', 'web_search_options', 'audio', 'prediction'] as const;
export type PaidParam = (typeof PAID_PARAMS)[number];

/** The request fields that ask for each feature (dropped together when a provider refuses it). */
export const PAID_PARAM_FIELDS: Readonly<Record<PaidParam, readonly string[]>> = {
  service_tier: ['service_tier'],
  store: ['store'],
  web_search_options: ['web_search_options'],
  audio: ['audio', 'modalities'],
  prediction: ['prediction'],
};

/** One charge-changing feature a request asks for, and the request field that asks for it. */
export interface PaidParamUse {
  readonly feature: PaidParam;
  /** The field to name in a 400: `modalities` or `audio` for audio output, else the feature's name. */
  readonly param: string;
}

/** The request fields that can ask for a paid feature (a plain object or a validated DTO). */
export interface PaidParamFields {
  readonly service_tier?: unknown;
  readonly store?: unknown;
  readonly web_search_options?: unknown;
  readonly audio?: unknown;
  readonly modalities?: unknown;
  readonly prediction?: unknown;
}

const given = (value: unknown): boolean => value !== undefined && value !== null;

/**
 * The paid features a chat request asks for, in PAID_PARAMS order (a few property reads: cheap on
 * the hot path). `service_tier` `auto` and `default` are the priced default; `store: false` and an
 * audio-free `modalities` ask for nothing.
 */
export function paidParamsOf(request: PaidParamFields): PaidParamUse[] {
  const uses: PaidParamUse[] = [];
  const tier = request.service_tier;
  if (given(tier) && tier !== 'auto' && tier !== 'default')
    uses.push({ feature: 'service_tier', param: 'service_tier' });
  if (request.store === true) uses.push({ feature: 'store', param: 'store' });
  if (given(request.web_search_options))
    uses.push({ feature: 'web_search_options', param: 'web_search_options' });
  if (given(request.audio)) uses.push({ feature: 'audio', param: 'audio' });
  else if (Array.isArray(request.modalities) && request.modalities.includes('audio'))
    uses.push({ feature: 'audio', param: 'modalities' });
  if (given(request.prediction)) uses.push({ feature: 'prediction', param: 'prediction' });
  return uses;
}

/** The first use a provider with these allowances refuses, or undefined when it allows them all. */
export function refusedPaidParam(
  uses: readonly PaidParamUse[],
  allowed: readonly PaidParam[] | undefined,
): PaidParamUse | undefined {
  return uses.find((use) => !allowed?.includes(use.feature));
}

/** Checks an admin's `allowedPaidParams`: known names, each once. */
export function validateAllowedPaidParams(allowed: unknown): void {
  if (allowed === undefined) return;
  if (
    !Array.isArray(allowed) ||
    allowed.some((p) => !PAID_PARAMS.includes(p as PaidParam)) ||
    new Set(allowed).size !== allowed.length
  ) {
    throw new ValidationError(
      'CATALOG.INVALID_SPEC',
      `allowedPaidParams must list distinct names among ${PAID_PARAMS.join(', ')}`,
      { param: 'allowedPaidParams' },
    );
  }
}
