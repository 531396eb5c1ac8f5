import { Pipe, type PipeTransform } from '@angular/core';

const MICROS_PER_DOLLAR = 1_000_000n;

/** Integer micro-dollars (a string or bigint from the API) as dollars, exactly: no float rounding on the way. */
export function formatMicros(
  micros: string | bigint | number | null | undefined,
  fractionDigits = 2,
): string {
  if (micros === null || micros === undefined || micros === '') return '—';
  let value: bigint;
  try {
    value =
      typeof micros === 'bigint' ? micros : BigInt(typeof micros === 'number' ? Math.trunc(micros) : micros);
  } catch {
    return '—';
  }
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const digits = Math.min(6, Math.max(0, fractionDigits));
  const scale = 10n ** BigInt(6 - digits);
  const rounded = (abs + scale / 2n) / scale; // half up, in units of 10^-digits dollars
  const unit = 10n ** BigInt(digits);
  const whole = (rounded / unit).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = digits > 0 ? `.${(rounded % unit).toString().padStart(digits, '0')}` : '';
  return `${negative ? '-' : ''}$${whole}${fraction}`;
}

/** Dollars typed by a user ("12.50", "$3") as integer micro-dollars; null when it is not an amount. */
export function parseDollars(text: string): bigint | null {
  const m = /^\s*\$?\s*(\d{1,12})(?:\.(\d{0,6}))?\s*$/.exec(text);
  if (!m) return null;
  return BigInt(m[1]) * MICROS_PER_DOLLAR + BigInt((m[2] ?? '').padEnd(6, '0') || '0');
}

/** `{{ costMicros | money }}`, `{{ tinyCost | money: 6 }}` */
@Pipe({ name: 'money' })
export class MoneyPipe implements PipeTransform {
  transform(micros: string | bigint | number | null | undefined, fractionDigits = 2): string {
    return formatMicros(micros, fractionDigits);
  }
}
