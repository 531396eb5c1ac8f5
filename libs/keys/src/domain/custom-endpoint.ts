import { checkUpstreamHost, ValidationError } from '@gw/shared-kernel';

/** `provider: "custom"`: the caller's own OpenAI-compatible endpoint and the models it serves. */
export interface CustomEndpoint {
  /** The API root including its version path, e.g. `https://llm.example.com/v1`. */
  readonly baseUrl: string;
  /** The endpoint's own model ids. */
  readonly models: readonly string[];
}

export const CUSTOM_PROVIDER = 'custom';
export const MAX_CUSTOM_MODELS = 50;
/** Upstream ids like `gpt-4o`, `meta-llama/Llama-3.3-70B-Instruct-Turbo`, `llama3.2:3b`. */
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,199}$/;

const invalid = (param: string, message: string): never => {
  throw new ValidationError('KEYS.INVALID_CUSTOM_ENDPOINT', message, { param });
};

/**
 * The URL rules for user-supplied upstreams (trust `user`: no loopback, private, link-local or
 * metadata addresses unless the host is in ALLOWED_UPSTREAM_HOSTS; checked again on every connect),
 * no credentials, query or fragment; 1 to 50 model ids.
 */
export function checkCustomEndpoint(
  custom: { baseUrl?: unknown; models?: unknown },
  allowedHosts: ReadonlySet<string>,
): CustomEndpoint {
  if (typeof custom.baseUrl !== 'string' || custom.baseUrl.length === 0 || custom.baseUrl.length > 500)
    invalid('baseUrl', 'A custom endpoint needs baseUrl: its API root, e.g. https://llm.example.com/v1');
  const baseUrl = custom.baseUrl as string;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return invalid('baseUrl', 'baseUrl must be an absolute http or https URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    invalid('baseUrl', 'baseUrl must use http or https');
  if (url.username || url.password)
    invalid('baseUrl', 'baseUrl must not contain credentials; send the key as apiKey');
  if (url.search || url.hash) invalid('baseUrl', 'baseUrl must not have a query string or fragment');
  const verdict = checkUpstreamHost(url.hostname, { trust: 'user', allowedHosts });
  if (!verdict.allowed) invalid('baseUrl', `baseUrl must not reach this address: ${verdict.reason}`);
  const models = custom.models;
  if (!Array.isArray(models) || models.length === 0 || models.length > MAX_CUSTOM_MODELS)
    invalid('models', `A custom endpoint needs models: 1 to ${MAX_CUSTOM_MODELS} of its model ids`);
  for (const m of models as unknown[])
    if (typeof m !== 'string' || !MODEL_ID.test(m) || m.includes('..'))
      invalid('models', 'Each model must be the endpoint’s model id: up to 200 letters, digits and ._:/@+-');
  return { baseUrl: baseUrl.replace(/\/+$/, ''), models: [...new Set(models as string[])] };
}

/** The provider slug a custom endpoint routes under (its owner's key id makes it unique). */
export const customProviderSlug = (keyId: string): string => `custom-${keyId.replace(/-/g, '').slice(0, 12)}`;

/** Whether a provider slug is a user's custom endpoint (`custom-<key id>`) rather than a catalog provider. */
export const isCustomProviderSlug = (slug: string): boolean =>
  slug === CUSTOM_PROVIDER || slug.startsWith(`${CUSTOM_PROVIDER}-`);
