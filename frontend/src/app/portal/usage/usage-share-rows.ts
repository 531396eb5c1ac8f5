import type { UsageBreakdownItem, UsageSummary } from './usage-api';
import { powerLevelLabel } from './usage-format';
import type { ShareRow } from './usage-share';

const shareOf = (item: UsageBreakdownItem, key: string, label: string, detail?: string): ShareRow => ({
  key,
  label,
  detail,
  requests: item.requests,
  tokens: item.totalTokens,
  chargedMicros: item.chargedMicros,
  shareOfRequests: item.shareOfRequests,
});

/** The usage dashboards' shares (/app/usage and /admin/usage): rows of a breakdown by one dimension. */
export const providerShares = (items: readonly UsageBreakdownItem[] = []): ShareRow[] =>
  items.map((i) => shareOf(i, i.provider ?? '', i.provider ?? '—'));

export const modelShares = (items: readonly UsageBreakdownItem[] = []): ShareRow[] =>
  items.map((i) => shareOf(i, `${i.provider}/${i.model}`, i.model ?? '—', i.provider));

export const powerLevelShares = (items: readonly UsageBreakdownItem[] = []): ShareRow[] =>
  items.map((i) => shareOf(i, i.powerLevel ?? '', powerLevelLabel(i.powerLevel ?? '')));

/** Own keys (BYOK) against the platform's, from the summary; `byokLabel` says whose keys they are. */
export function keySourceShares(summary: UsageSummary | undefined, byokLabel: string): ShareRow[] {
  if (!summary) return [];
  return [
    { ...summary.byok, key: 'byok', label: byokLabel },
    { ...summary.platform, key: 'platform', label: 'Platform keys' },
  ].map((k) => ({
    key: k.key,
    label: k.label,
    requests: k.requests,
    tokens: k.totalTokens,
    chargedMicros: k.chargedMicros,
    shareOfRequests: k.shareOfRequests,
  }));
}
