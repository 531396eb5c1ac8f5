import { formatMicros } from '../../shared/money';
import type {
  FallbackReason,
  LevelPolicyView,
  ProviderRateLimit,
  RoutingPolicyBody,
  RoutingPolicyView,
  RoutingStrategy,
  RoutingWeights,
} from './routing-api';

export const POWER_LEVELS = ['eco', 'balanced', 'precision'] as const;
export type Level = (typeof POWER_LEVELS)[number];
export const WEIGHT_KEYS = ['cost', 'latency', 'quality'] as const;
export type WeightKey = (typeof WEIGHT_KEYS)[number];

export const FALLBACK_REASONS: readonly FallbackReason[] = [
  'rate_limited',
  'auth',
  'timeout',
  'server',
  'connection',
];

export const FALLBACK_LABELS: Readonly<Record<FallbackReason, string>> = {
  rate_limited: 'Rate limited (429)',
  auth: 'Provider key rejected (401/403)',
  timeout: 'Timeout',
  server: 'Provider error (5xx)',
  connection: 'Connection failed',
};

export const STRATEGY_LABELS: Readonly<Record<RoutingStrategy, string>> = {
  cost: 'Cost (cheapest first)',
  latency: 'Latency (fastest first)',
  balanced: 'Balanced',
  custom: 'Custom weights',
};

/** The gateway's presets (libs/routing STRATEGY_PRESETS): a preset strategy fixes these weights. */
export const STRATEGY_PRESETS: Readonly<Record<Exclude<RoutingStrategy, 'custom'>, RoutingWeights>> = {
  cost: { cost: 0.7, latency: 0.2, quality: 0.1 },
  latency: { cost: 0.15, latency: 0.7, quality: 0.15 },
  balanced: { cost: 0.4, latency: 0.4, quality: 0.2 },
};

/** The editable policy: the saved one without its version. */
export type Draft = Omit<RoutingPolicyView, 'version'>;

const round2 = (n: number): number => Math.round(n * 100) / 100;

/**
 * Sets one weight and rescales the other two proportionally so that the three still sum to 1 (two
 * decimals; when both others are 0 they share the rest equally).
 */
export function rebalance(weights: RoutingWeights, key: WeightKey, value: number): RoutingWeights {
  const v = round2(Math.min(1, Math.max(0, value)));
  const [a, b] = WEIGHT_KEYS.filter((k) => k !== key) as [WeightKey, WeightKey];
  const rest = round2(1 - v);
  const others = weights[a] + weights[b];
  const first = others > 0 ? round2((rest * weights[a]) / others) : round2(rest / 2);
  const second = round2(rest - first);
  return { ...weights, [key]: v, [a]: first, [b]: second } as RoutingWeights;
}

export const draftOf = (p: RoutingPolicyView): Draft => {
  const { version: _version, ...rest } = structuredClone(p);
  return rest;
};

/** A record with its keys in order, so that two drafts compare (and diff) by content. */
export const sortedRecord = <T>(r: Readonly<Record<string, T>>, copy: (v: T) => T): Record<string, T> =>
  Object.fromEntries(
    Object.keys(r)
      .sort()
      .map((k) => [k, copy(r[k]!)]),
  );

/** The PUT (and preview) body: a preset level without weights, so they are the gateway's own. */
export function bodyOf(d: Draft): RoutingPolicyBody {
  const level = (l: LevelPolicyView) =>
    l.strategy === 'custom'
      ? { ...l, preferredProviders: [...l.preferredProviders], chain: [...l.chain] }
      : {
          strategy: l.strategy,
          maxPricePer1kMicros: l.maxPricePer1kMicros,
          latencyBoundMs: l.latencyBoundMs,
          preferredProviders: [...l.preferredProviders],
          latencyCapMs: l.latencyCapMs,
          chain: [...l.chain],
        };
  return {
    levels: {
      eco: level(d.levels.eco),
      balanced: level(d.levels.balanced),
      precision: level(d.levels.precision),
    },
    maxAttempts: d.maxAttempts,
    attemptTimeoutMs: d.attemptTimeoutMs,
    byokBonus: d.byokBonus,
    fallbackOn: FALLBACK_REASONS.filter((r) => d.fallbackOn.includes(r)),
    preferenceBonus: d.preferenceBonus,
    requestDeadlineMs: d.requestDeadlineMs,
    useCases: sortedRecord(d.useCases, (c) => [...c]),
    balancing: {
      enabled: d.balancing.enabled,
      bandPercent: d.balancing.bandPercent,
      weights: sortedRecord(d.balancing.weights, (w) => w),
    },
    providerLimits: sortedRecord(d.providerLimits, (l) => ({
      ...(l.rpm !== undefined && { rpm: l.rpm }),
      ...(l.tpm !== undefined && { tpm: l.tpm }),
    })),
  };
}

/**
 * The preview's body: the draft without what it cannot be saved with yet (a use case with no models,
 * a provider limit with neither rate), so the ranking follows the edits while one is half done.
 */
export function previewBodyOf(d: Draft): RoutingPolicyBody {
  const body = bodyOf(d);
  return {
    ...body,
    useCases: Object.fromEntries(Object.entries(body.useCases ?? {}).filter(([, chain]) => chain.length > 0)),
    providerLimits: Object.fromEntries(
      Object.entries(body.providerLimits ?? {}).filter(([, l]) => l.rpm !== undefined || l.tpm !== undefined),
    ),
  };
}

/** Same policy (fallback reasons as a set). */
export const sameDraft = (a: Draft, b: Draft): boolean =>
  JSON.stringify(bodyOf(a)) === JSON.stringify(bodyOf(b));

const micros = (s: string): string => formatMicros(s, 6);
const limitText = (l: ProviderRateLimit | undefined): string =>
  l
    ? [l.rpm !== undefined && `${l.rpm} rpm`, l.tpm !== undefined && `${l.tpm} tpm`]
        .filter(Boolean)
        .join(', ')
    : 'none';

/** One line per key of two records whose values differ (added, removed or changed). */
function recordChanges<T>(
  label: string,
  a: Readonly<Record<string, T>>,
  b: Readonly<Record<string, T>>,
  text: (v: T | undefined) => string,
): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((k) => `${label} ${k}: ${text(a[k])} → ${text(b[k])}`);
}
const weightsText = (w: RoutingWeights): string =>
  `cost ${w.cost} / latency ${w.latency} / quality ${w.quality}`;

/** What changed from `before` to `after`, one line each (a version's diff summary). */
export function changesBetween(before: Draft, after: Draft): string[] {
  const out: string[] = [];
  for (const level of POWER_LEVELS) {
    const a = before.levels[level];
    const b = after.levels[level];
    if (a.strategy !== b.strategy) out.push(`${level}: strategy ${a.strategy} → ${b.strategy}`);
    if (WEIGHT_KEYS.some((k) => a.weights[k] !== b.weights[k]))
      out.push(`${level}: weights ${weightsText(a.weights)} → ${weightsText(b.weights)}`);
    if (a.maxPricePer1kMicros !== b.maxPricePer1kMicros)
      out.push(
        `${level}: max price ${micros(a.maxPricePer1kMicros)} → ${micros(b.maxPricePer1kMicros)} per 1K tokens`,
      );
    if (a.latencyBoundMs !== b.latencyBoundMs)
      out.push(`${level}: latency bound ${a.latencyBoundMs} → ${b.latencyBoundMs} ms`);
    if (a.preferredProviders.join(',') !== b.preferredProviders.join(','))
      out.push(
        `${level}: preferred providers ${a.preferredProviders.join(', ') || 'none'} → ${b.preferredProviders.join(', ') || 'none'}`,
      );
    if (a.latencyCapMs !== b.latencyCapMs)
      out.push(`${level}: latency cap ${a.latencyCapMs} → ${b.latencyCapMs} ms`);
    if (a.chain.join(',') !== b.chain.join(','))
      out.push(
        `${level}: chain ${a.chain.join(', ') || 'score order'} → ${b.chain.join(', ') || 'score order'}`,
      );
  }
  if (before.maxAttempts !== after.maxAttempts)
    out.push(`max attempts ${before.maxAttempts} → ${after.maxAttempts}`);
  if (before.attemptTimeoutMs !== after.attemptTimeoutMs)
    out.push(`attempt timeout ${before.attemptTimeoutMs} → ${after.attemptTimeoutMs} ms`);
  if (before.byokBonus !== after.byokBonus) out.push(`BYOK bonus ${before.byokBonus} → ${after.byokBonus}`);
  const fa = FALLBACK_REASONS.filter((r) => before.fallbackOn.includes(r)).join(', ');
  const fb = FALLBACK_REASONS.filter((r) => after.fallbackOn.includes(r)).join(', ');
  if (fa !== fb) out.push(`fall back on ${fa || 'nothing'} → ${fb || 'nothing'}`);
  if (before.preferenceBonus !== after.preferenceBonus)
    out.push(`preference bonus ${before.preferenceBonus} → ${after.preferenceBonus}`);
  if (before.requestDeadlineMs !== after.requestDeadlineMs)
    out.push(`request deadline ${before.requestDeadlineMs} → ${after.requestDeadlineMs} ms`);
  out.push(...recordChanges('use case', before.useCases, after.useCases, (c) => (c ? c.join(', ') : 'none')));
  const ba = before.balancing;
  const bb = after.balancing;
  if (ba.enabled !== bb.enabled) out.push(`balancing ${bb.enabled ? 'enabled' : 'disabled'}`);
  if (ba.bandPercent !== bb.bandPercent) out.push(`balancing band ${ba.bandPercent}% → ${bb.bandPercent}%`);
  out.push(
    ...recordChanges('balancing weight', ba.weights, bb.weights, (w) => (w === undefined ? 'none' : `${w}`)),
  );
  out.push(...recordChanges('rate limit', before.providerLimits, after.providerLimits, limitText));
  return out;
}
