import type { RoutingPreviewView } from './routing-api';
import type { Draft } from './routing-draft';

/** A model the chain, balancing and use-case editors offer (from the preview's catalog). */
export interface ModelOption {
  readonly id: string;
  readonly name: string;
  readonly provider: string;
}

/** The gateway's limits (libs/routing ROUTING_POLICY_LIMITS), checked here before a save. */
export const LIMITS = {
  chainLength: 10,
  useCases: 20,
  useCaseName: /^[a-z0-9][a-z0-9_.-]{0,39}$/,
  providerId: /^[a-z0-9][a-z0-9_.-]{0,63}$/,
  weightKey: /^[A-Za-z0-9][A-Za-z0-9_.:/@+-]{0,199}$/,
  balancingWeights: 100,
  maxWeight: 1_000,
  providerLimits: 100,
  maxRate: 1_000_000_000,
  latencyCapMs: { min: 100, max: 600_000 },
  requestDeadlineMs: { min: 1_000, max: 1_800_000 },
} as const;

/** A whole number from min to max typed into a field, or null. */
export function wholeIn(text: string, min: number, max: number): number | null {
  const n = Number(text);
  return text.trim() !== '' && Number.isInteger(n) && n >= min && n <= max ? n : null;
}

/** A number (decimals allowed) from min to max typed into a field, or null. */
export function numberIn(text: string, min: number, max: number): number | null {
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) && n >= min && n <= max ? n : null;
}

/** Every model the preview ranked or excluded at any level, by id. */
export function modelsOf(preview: RoutingPreviewView | null): ModelOption[] {
  const byId = new Map<string, ModelOption>();
  for (const level of preview?.levels ?? [])
    for (const ranking of [level.draft, level.saved])
      for (const m of [...ranking.candidates, ...ranking.excluded])
        if (!byId.has(m.modelId))
          byId.set(m.modelId, { id: m.modelId, name: m.displayName, provider: m.provider });
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * What the draft cannot be saved with although every field parsed: a use case without models, a
 * provider limit with neither rpm nor tpm. Keyed like the gateway's `param`.
 */
export function draftProblems(d: Draft): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, chain] of Object.entries(d.useCases))
    if (chain.length === 0) out[`useCases.${name}`] = 'Add at least one model, or remove the use case.';
  for (const [provider, limit] of Object.entries(d.providerLimits))
    if (limit.rpm === undefined && limit.tpm === undefined)
      out[`providerLimits.${provider}`] =
        'Give requests or tokens per minute (or both), or remove the limit.';
  return out;
}

/**
 * The page's field key for a gateway `param`: most are the param itself (`levels.eco.latencyCapMs`,
 * `useCases.code`, `providerLimits.openai.rpm`); the older fields have their own keys; an index
 * (`levels.eco.chain[2]`) is the whole list's field.
 */
export function fieldOfParam(param: string): string {
  const p = param.replace(/\[\d+\]$/, '');
  const level = /^levels\.(eco|balanced|precision)\.(\w+)$/.exec(p);
  if (level) {
    const [, name, field] = level;
    if (field === 'maxPricePer1k' || field === 'maxPricePer1kMicros') return `${name}.maxPrice`;
    if (field === 'latencyBoundMs') return `${name}.latency`;
  }
  if (p === 'attemptTimeoutMs') return 'attemptTimeout';
  return p;
}

/** A value inside a double-quoted CSS attribute selector (CSS.escape is not everywhere, e.g. jsdom). */
export const cssString = (v: string): string => v.replace(/["\\]/g, '\\$&');
