/** Charged − provider cost, in micro-dollars (negative: the platform paid more than it charged). */
export function marginMicros(chargedMicros: string, providerCostMicros: string): string {
  return (BigInt(chargedMicros) - BigInt(providerCostMicros)).toString();
}

/** Margin over charge (a loss is negative); null when nothing was charged. */
export function marginRate(chargedMicros: string, providerCostMicros: string): number | null {
  const charged = BigInt(chargedMicros);
  if (charged === 0n) return null;
  return Number(((charged - BigInt(providerCostMicros)) * 1_000_000n) / charged) / 1e6;
}

const PERCENT = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 });

/** A margin rate as a percentage; "—" without a charge. */
export const formatMarginRate = (rate: number | null): string => (rate === null ? '—' : PERCENT.format(rate));
