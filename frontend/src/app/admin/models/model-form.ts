import type { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';
import type { PowerLevel } from '../../core/api/api';
import { parseDollars } from '../../shared/money';
import type { AddModelBody, AdminModelView, ChangeModelBody, ModelPrices } from './admin-models-api';

export const POWER_LEVEL_OPTIONS: readonly { value: PowerLevel; label: string }[] = [
  { value: 'eco', label: 'Eco' },
  { value: 'balanced', label: 'Balanced' },
  { value: 'precision', label: 'Precision' },
];
export const TIER_OPTIONS = ['free', 'starter', 'professional', 'enterprise'] as const;
export type TierOption = (typeof TIER_OPTIONS)[number];
export const CAPABILITY_OPTIONS = [
  { value: 'streaming', label: 'Streaming' },
  { value: 'tools', label: 'Tools' },
  { value: 'vision', label: 'Vision' },
  { value: 'jsonMode', label: 'JSON mode' },
] as const;
export type Capability = (typeof CAPABILITY_OPTIONS)[number]['value'];

/** The API's money limit: whole micro-dollars, at most 13 digits. */
const MAX_MICROS_DIGITS = 13;
export const MAX_TOKENS = 100_000_000;

/** Dollars as typed ("2.50", "$0.15") as the API's micro-dollar string, exactly; null when not an amount. */
export function dollarsToMicros(text: string): string | null {
  const micros = parseDollars(text);
  if (micros === null) return null;
  const s = micros.toString();
  return s.length > MAX_MICROS_DIGITS ? null : s;
}

/** Micro-dollars as a plain dollar amount for an input: "2500000" → "2.50", "1" → "0.000001". */
export function microsToDollars(micros: string): string {
  const value = BigInt(micros);
  const whole = value / 1_000_000n;
  const fraction = (value % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  return `${whole}.${fraction.padEnd(2, '0')}`;
}

/** An amount in dollars; `required: false` also takes an empty field (the default applies). */
export const dollarsValidator =
  (required: boolean): ValidatorFn =>
  (c: AbstractControl<string>): ValidationErrors | null => {
    const text = (c.value ?? '').trim();
    if (text === '') return required ? { required: true } : null;
    return dollarsToMicros(text) === null ? { dollars: true } : null;
  };

/** A whole number of tokens, 1 … 100,000,000; `required: false` also takes an empty field. */
export const tokensValidator =
  (required: boolean): ValidatorFn =>
  (c: AbstractControl<string>): ValidationErrors | null => {
    const text = (c.value ?? '').trim().replace(/[,_\s]/g, '');
    if (text === '') return required ? { required: true } : null;
    if (!/^\d{1,9}$/.test(text)) return { tokens: true };
    const n = Number(text);
    return n < 1 || n > MAX_TOKENS ? { tokens: true } : null;
  };

export const parseTokens = (text: string): number => Number(text.trim().replace(/[,_\s]/g, ''));

/** What the model dialog's form holds: text as typed (dollars per 1M tokens, token counts). */
export interface ModelFormValue {
  readonly provider: string;
  readonly model: string;
  readonly displayName: string;
  readonly input: string;
  readonly output: string;
  readonly cached: string;
  readonly cacheWrite: string;
  readonly cacheWrite1h: string;
  readonly perRequest: string;
  readonly longAbove: string;
  readonly longInput: string;
  readonly longOutput: string;
  readonly contextWindow: string;
  readonly maxOutputTokens: string;
  readonly capabilities: Readonly<Record<Capability, boolean>>;
  readonly powerLevels: Readonly<Record<PowerLevel, boolean>>;
  readonly minTier: TierOption;
  readonly enabled: boolean;
}

export const EMPTY_FORM: ModelFormValue = {
  provider: '',
  model: '',
  displayName: '',
  input: '',
  output: '',
  cached: '',
  cacheWrite: '',
  cacheWrite1h: '',
  perRequest: '',
  longAbove: '',
  longInput: '',
  longOutput: '',
  contextWindow: '128000',
  maxOutputTokens: '8192',
  capabilities: { streaming: true, tools: false, vision: false, jsonMode: false },
  powerLevels: { eco: true, balanced: true, precision: true },
  minTier: 'free',
  enabled: true,
};

const isTier = (s: string): s is TierOption => (TIER_OPTIONS as readonly string[]).includes(s);

/** The form for editing a model: every price filled in, in dollars. */
export function formFromModel(m: AdminModelView): ModelFormValue {
  const p = m.prices;
  return {
    provider: m.provider,
    model: m.model,
    displayName: m.displayName,
    input: microsToDollars(p.inputPerMillionMicros),
    output: microsToDollars(p.outputPerMillionMicros),
    cached: microsToDollars(p.cachedInputPerMillionMicros),
    cacheWrite: microsToDollars(p.cacheWritePerMillionMicros),
    cacheWrite1h: microsToDollars(p.cacheWrite1hPerMillionMicros),
    perRequest: p.perRequestMicros === '0' ? '' : microsToDollars(p.perRequestMicros),
    longAbove: p.longContext ? String(p.longContext.aboveTokens) : '',
    longInput: p.longContext ? microsToDollars(p.longContext.inputPerMillionMicros) : '',
    longOutput: p.longContext ? microsToDollars(p.longContext.outputPerMillionMicros) : '',
    contextWindow: String(m.contextWindow),
    maxOutputTokens: String(m.maxOutputTokens),
    capabilities: { ...m.capabilities },
    powerLevels: {
      eco: m.powerLevels.includes('eco'),
      balanced: m.powerLevels.includes('balanced'),
      precision: m.powerLevels.includes('precision'),
    },
    minTier: isTier(m.minTier) ? m.minTier : 'free',
    enabled: m.enabled,
  };
}

const micros = (text: string): string => dollarsToMicros(text) ?? '0';
const orElse = (text: string, fallback: string): string => (text.trim() === '' ? fallback : micros(text));

/**
 * The prices as the API takes them, every default spelled out as the gateway fills it (cached and
 * cache writes: the input price; one-hour cache writes: the cache-write price; per request: none).
 */
export function pricesFromForm(v: ModelFormValue): ModelPrices {
  const input = micros(v.input);
  const cacheWrite = orElse(v.cacheWrite, input);
  const hasLong = v.longAbove.trim() !== '';
  return {
    inputPerMillionMicros: input,
    outputPerMillionMicros: micros(v.output),
    cachedInputPerMillionMicros: orElse(v.cached, input),
    cacheWritePerMillionMicros: cacheWrite,
    cacheWrite1hPerMillionMicros: orElse(v.cacheWrite1h, cacheWrite),
    perRequestMicros: orElse(v.perRequest, '0'),
    longContext: hasLong
      ? {
          aboveTokens: parseTokens(v.longAbove),
          inputPerMillionMicros: micros(v.longInput),
          outputPerMillionMicros: micros(v.longOutput),
        }
      : null,
  };
}

const pricesBody = (p: ModelPrices): NonNullable<AddModelBody['prices']> => {
  const { longContext, ...rest } = p;
  return longContext ? { ...rest, longContext } : rest;
};

const samePrices = (a: ModelPrices, b: ModelPrices): boolean => JSON.stringify(a) === JSON.stringify(b);

const chosen = <K extends string>(flags: Readonly<Record<K, boolean>>): K[] =>
  (Object.keys(flags) as K[]).filter((k) => flags[k]);

/** POST /api/v1/admin/models from the dialog's form. */
export function addBodyFromForm(v: ModelFormValue): AddModelBody {
  return {
    provider: v.provider,
    model: v.model.trim(),
    displayName: v.displayName.trim() || v.model.trim(),
    prices: pricesBody(pricesFromForm(v)),
    contextWindow: parseTokens(v.contextWindow),
    maxOutputTokens: parseTokens(v.maxOutputTokens),
    capabilities: { ...v.capabilities },
    powerLevels: chosen(v.powerLevels),
    minTier: v.minTier,
    enabled: v.enabled,
  };
}

/**
 * PUT body with only what the form changed. Prices are sent only when one of them changed, so an
 * edit of the name does not start a new price version.
 */
export function changeBodyFromForm(before: AdminModelView, v: ModelFormValue): ChangeModelBody {
  const prices = pricesFromForm(v);
  const powerLevels = chosen(v.powerLevels);
  const displayName = v.displayName.trim() || before.model;
  const contextWindow = parseTokens(v.contextWindow);
  const maxOutputTokens = parseTokens(v.maxOutputTokens);
  const sameLevels =
    powerLevels.length === before.powerLevels.length &&
    powerLevels.every((l) => before.powerLevels.includes(l));
  return {
    ...(displayName !== before.displayName && { displayName }),
    ...(!samePrices(prices, before.prices) && { prices: pricesBody(prices) }),
    ...(contextWindow !== before.contextWindow && { contextWindow }),
    ...(maxOutputTokens !== before.maxOutputTokens && { maxOutputTokens }),
    ...(JSON.stringify(v.capabilities) !== JSON.stringify(before.capabilities) && {
      capabilities: { ...v.capabilities },
    }),
    ...(!sameLevels && { powerLevels }),
    ...(v.minTier !== before.minTier && { minTier: v.minTier }),
  };
}

/** The status chip: enabled or disabled; deprecation is shown beside it. */
export type ModelStatus = 'enabled' | 'disabled' | 'deprecated';

export interface AdminModelFilters {
  /** Matched against the display name and the id, case-insensitively. */
  readonly search: string;
  /** A provider slug; '' for all. */
  readonly provider: string;
  /** '' for any; `deprecated` matches deprecated models whether enabled or not. */
  readonly status: ModelStatus | '';
}

export const NO_FILTERS: AdminModelFilters = { search: '', provider: '', status: '' };

export function matchesFilters(m: AdminModelView, f: AdminModelFilters): boolean {
  const q = f.search.trim().toLowerCase();
  if (q !== '' && ![m.displayName, m.id].some((s) => s.toLowerCase().includes(q))) return false;
  if (f.provider !== '' && m.provider !== f.provider) return false;
  if (f.status === 'enabled' && !m.enabled) return false;
  if (f.status === 'disabled' && m.enabled) return false;
  if (f.status === 'deprecated' && !m.deprecated) return false;
  return true;
}

export const SORT_COLUMNS = ['name', 'provider', 'input', 'output', 'cached', 'context'] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];
export interface AdminModelSort {
  readonly column: SortColumn;
  readonly direction: 'asc' | 'desc';
}
export const DEFAULT_SORT: AdminModelSort = { column: 'provider', direction: 'asc' };
export const isSortColumn = (s: string): s is SortColumn => (SORT_COLUMNS as readonly string[]).includes(s);

const compareMicros = (a: string, b: string): number => {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

const COMPARE: Readonly<Record<SortColumn, (a: AdminModelView, b: AdminModelView) => number>> = {
  name: (a, b) => a.displayName.localeCompare(b.displayName),
  provider: (a, b) => a.provider.localeCompare(b.provider) || a.displayName.localeCompare(b.displayName),
  input: (a, b) => compareMicros(a.prices.inputPerMillionMicros, b.prices.inputPerMillionMicros),
  output: (a, b) => compareMicros(a.prices.outputPerMillionMicros, b.prices.outputPerMillionMicros),
  cached: (a, b) => compareMicros(a.prices.cachedInputPerMillionMicros, b.prices.cachedInputPerMillionMicros),
  context: (a, b) => a.contextWindow - b.contextWindow,
};

/** Sorted by the column (prices exactly, as integers), ties by id so the order is stable. */
export function sortModels(models: readonly AdminModelView[], sort: AdminModelSort): AdminModelView[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  return [...models].sort((a, b) => sign * COMPARE[sort.column](a, b) || a.id.localeCompare(b.id));
}

/** "128K", "1M", "200K", "8,192". */
export function formatTokens(n: number): string {
  if (n >= 1_000_000 && n % 1_000_000 === 0) return `${n / 1_000_000}M`;
  if (n >= 1_000 && n % 1_000 === 0) return `${n / 1_000}K`;
  return n.toLocaleString('en-US');
}
