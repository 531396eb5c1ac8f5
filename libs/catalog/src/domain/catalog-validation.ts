import { checkUpstreamHost, POWER_LEVELS, TIERS, ValidationError } from '@gw/shared-kernel';
import type { ModelSpecData } from './model.events';
import { validateAllowedPaidParams } from './paid-params';
import type { ProviderSpecData } from './provider.events';

const PROVIDER_KINDS = ['openai-compatible', 'anthropic', 'gemini', 'cohere'];
const SLUG = /^[a-z0-9][a-z0-9-]{1,40}$/;
/** Upstream ids like `gpt-4o`, `meta-llama/Llama-3.3-70B-Instruct-Turbo`, `llama3.2:3b`. */
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,199}$/;
/** A trillion micro-dollars ($1M) per million tokens is far above any real price. */
const MAX_PRICE_MICROS = 1_000_000_000_000n;

const invalid = (param: string, message: string): never => {
  throw new ValidationError('CATALOG.INVALID_SPEC', message, { param });
};

export const isProviderSlug = (slug: string): boolean => SLUG.test(slug);

export function validateProviderSpec(spec: ProviderSpecData): void {
  if (!SLUG.test(spec.slug))
    invalid('slug', 'slug must be 2–41 lowercase letters, digits or dashes, starting with a letter or digit');
  if (spec.name.trim().length === 0 || spec.name.length > 100)
    invalid('name', 'name must be 1–100 characters');
  if (!PROVIDER_KINDS.includes(spec.kind))
    invalid('kind', `kind must be one of ${PROVIDER_KINDS.join(', ')}`);
  validateBaseUrl(spec.baseUrl);
  validateAllowedPaidParams(spec.allowedPaidParams);
}

/**
 * http(s) only (or `mock://<slug>/…` for the built-in mock servers). No credentials and no query
 * string: keys go in headers, and URLs end up in logs. Never a link-local or metadata address (an
 * admin may name loopback and private hosts: local vLLM and Ollama live there); names are checked
 * again on every address they resolve to when the gateway connects.
 */
function validateBaseUrl(baseUrl: string): void {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return invalid('baseUrl', 'baseUrl must be an absolute URL such as https://api.example.com/v1');
  }
  if (!['http:', 'https:', 'mock:'].includes(url.protocol))
    invalid('baseUrl', 'baseUrl must use http or https');
  if (url.username || url.password)
    invalid('baseUrl', 'baseUrl must not contain credentials; set the platform key instead');
  if (url.search || url.hash) invalid('baseUrl', 'baseUrl must not have a query string or fragment');
  if (url.protocol === 'mock:') return;
  const verdict = checkUpstreamHost(url.hostname, { trust: 'admin' });
  if (!verdict.allowed) invalid('baseUrl', `baseUrl must not reach this address: ${verdict.reason}`);
}

export const isUpstreamModelId = (model: string): boolean => MODEL_ID.test(model) && !model.includes('..');

function checkPrice(name: string, value: string): void {
  if (!/^\d{1,13}$/.test(value) || BigInt(value) > MAX_PRICE_MICROS)
    invalid(name, `${name} must be a whole number of micro-dollars per million tokens`);
}

export function validateModelSpec(spec: ModelSpecData): void {
  if (!isUpstreamModelId(spec.model))
    invalid('model', 'model must be the provider’s model id: up to 200 letters, digits and ._:/@+-');
  if (spec.displayName.trim().length === 0 || spec.displayName.length > 100)
    invalid('displayName', 'displayName must be 1–100 characters');
  const { longContext, perRequest, ...perMillion } = spec.prices;
  for (const [name, value] of Object.entries(perMillion)) checkPrice(`prices.${name}`, value);
  if (perRequest !== undefined && (!/^\d{1,13}$/.test(perRequest) || BigInt(perRequest) > MAX_PRICE_MICROS))
    invalid('prices.perRequest', 'prices.perRequest must be a whole number of micro-dollars per request');
  if (longContext !== undefined) {
    if (
      !Number.isInteger(longContext.aboveTokens) ||
      longContext.aboveTokens < 1 ||
      longContext.aboveTokens >= spec.contextWindow
    )
      invalid(
        'prices.longContext.aboveTokens',
        'prices.longContext.aboveTokens must be a whole number of prompt tokens below contextWindow',
      );
    checkPrice('prices.longContext.inputPerMillion', longContext.inputPerMillion);
    checkPrice('prices.longContext.outputPerMillion', longContext.outputPerMillion);
  }
  if (!Number.isInteger(spec.contextWindow) || spec.contextWindow < 1 || spec.contextWindow > 100_000_000)
    invalid('contextWindow', 'contextWindow must be a positive whole number of tokens');
  if (
    !Number.isInteger(spec.maxOutputTokens) ||
    spec.maxOutputTokens < 1 ||
    spec.maxOutputTokens > spec.contextWindow
  )
    invalid(
      'maxOutputTokens',
      'maxOutputTokens must be a positive whole number no larger than contextWindow',
    );
  if (!(spec.quality >= 0 && spec.quality <= 1)) invalid('quality', 'quality must be between 0 and 1');
  if (
    !Number.isInteger(spec.typicalLatencyMs) ||
    spec.typicalLatencyMs < 1 ||
    spec.typicalLatencyMs > 600_000
  )
    invalid('typicalLatencyMs', 'typicalLatencyMs must be a whole number of milliseconds from 1 to 600,000');
  if (spec.powerLevels.length === 0 || spec.powerLevels.some((l) => !POWER_LEVELS.includes(l)))
    invalid('powerLevels', 'powerLevels must list at least one of eco, balanced, precision');
  if (new Set(spec.powerLevels).size !== spec.powerLevels.length)
    invalid('powerLevels', 'powerLevels must not repeat a level');
  if (!TIERS.includes(spec.minTier))
    invalid('minTier', 'minTier must be free, starter, professional or enterprise');
}

/** The fields of `next` that differ from `current` (shallow; nested objects compared by value). */
export function changedFields<T extends object>(current: T, next: T): Partial<T> {
  const changes: Partial<T> = {};
  for (const key of Object.keys(next) as (keyof T)[]) {
    if (JSON.stringify(current[key]) !== JSON.stringify(next[key])) changes[key] = next[key];
  }
  return changes;
}
