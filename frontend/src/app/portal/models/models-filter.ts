import type { PowerLevel } from '../../core/api/api';
import { formatMicros } from '../../shared/money';
import type { CatalogModelView, ModelHealth } from './models-api';

export interface ModelFilters {
  /** Matched against the name, the id and the provider, case-insensitively. */
  readonly search: string;
  /** A provider's slug; '' for all. */
  readonly provider: string;
  /** A capability (`tools`, `vision`, …); '' for any. */
  readonly capability: string;
  /** The smallest context window, in tokens; 0 for any. */
  readonly minContext: number;
  /** Models routing may pick at this level; '' for any. */
  readonly powerLevel: PowerLevel | '';
  /** Only what my tier may use. */
  readonly usableOnly: boolean;
}

export const NO_FILTERS: ModelFilters = {
  search: '',
  provider: '',
  capability: '',
  minContext: 0,
  powerLevel: '',
  usableOnly: false,
};

export const SORT_COLUMNS = ['name', 'provider', 'input', 'output', 'context', 'latency', 'health'] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];
export const isSortColumn = (s: string): s is SortColumn => (SORT_COLUMNS as readonly string[]).includes(s);
export interface ModelSort {
  readonly column: SortColumn;
  readonly direction: 'asc' | 'desc';
}
export const DEFAULT_SORT: ModelSort = { column: 'name', direction: 'asc' };

export const isFiltered = (f: ModelFilters): boolean =>
  f.search.trim() !== '' ||
  f.provider !== '' ||
  f.capability !== '' ||
  f.minContext > 0 ||
  f.powerLevel !== '' ||
  f.usableOnly;

export function matches(m: CatalogModelView, f: ModelFilters): boolean {
  const q = f.search.trim().toLowerCase();
  if (q !== '' && ![m.name, m.id, m.providerName].some((s) => s.toLowerCase().includes(q))) return false;
  if (f.provider !== '' && m.provider !== f.provider) return false;
  if (f.capability !== '' && !m.capabilities.includes(f.capability)) return false;
  if (m.contextWindow < f.minContext) return false;
  if (f.powerLevel !== '' && !m.powerLevels.includes(f.powerLevel)) return false;
  if (f.usableOnly && !m.usableOnMyTier) return false;
  return true;
}

const HEALTH_ORDER: Readonly<Record<ModelHealth, number>> = { healthy: 0, degraded: 1, unknown: 2, down: 3 };

const compareMicros = (a: string, b: string): number => {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

/** Compares two models on one column, ascending; null latencies are compared apart (see sortModels). */
function compare(a: CatalogModelView, b: CatalogModelView, column: SortColumn): number {
  switch (column) {
    case 'name':
      return a.name.localeCompare(b.name);
    case 'provider':
      return a.providerName.localeCompare(b.providerName);
    case 'input':
      return compareMicros(a.inputPerMTokMicros, b.inputPerMTokMicros);
    case 'output':
      return compareMicros(a.outputPerMTokMicros, b.outputPerMTokMicros);
    case 'context':
      return a.contextWindow - b.contextWindow;
    case 'latency':
      return (a.p50LatencyMs ?? 0) - (b.p50LatencyMs ?? 0);
    case 'health':
      return HEALTH_ORDER[a.health] - HEALTH_ORDER[b.health];
  }
}

/** A sorted copy; ties by id; a model with no latency measured yet is last either way. */
export function sortModels(models: readonly CatalogModelView[], sort: ModelSort): CatalogModelView[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  return [...models].sort((a, b) => {
    if (sort.column === 'latency' && (a.p50LatencyMs === null) !== (b.p50LatencyMs === null))
      return a.p50LatencyMs === null ? 1 : -1;
    return sign * compare(a, b, sort.column) || a.id.localeCompare(b.id);
  });
}

/** 128000 → "128K", 1000000 → "1M", 1048576 → "1.05M". */
export function formatTokens(tokens: number): string {
  if (tokens >= 1_000_000) return `${Number((tokens / 1_000_000).toFixed(2))}M`;
  if (tokens >= 1_000) return `${Number((tokens / 1_000).toFixed(1))}K`;
  return String(tokens);
}

/** A price per million tokens, exact: at least cents, more digits only when it has them ("$0.075"). */
export function formatPrice(micros: string): string {
  return formatMicros(micros, 6).replace(/(\.\d\d\d*?)0+$/, '$1');
}
