import { Pipe, type PipeTransform } from '@angular/core';
import { formatMicros } from '../../shared/money';

/**
 * Micro-dollars as dollars with as many decimals as the amount needs (2 to 6), exactly:
 * "2500000" → $2.50, "125000" → $0.125, "1" → $0.000001.
 */
export function formatPrice(micros: string): string {
  let digits = 6;
  try {
    const value = BigInt(micros);
    while (digits > 2 && value % 10n ** BigInt(7 - digits) === 0n) digits--;
  } catch {
    return formatMicros(micros);
  }
  return formatMicros(micros, digits);
}

/** `{{ m.prices.inputPerMillionMicros | price }}` */
@Pipe({ name: 'price' })
export class PricePipe implements PipeTransform {
  transform(micros: string): string {
    return formatPrice(micros);
  }
}
