/**
 * Money and conversions stay decimal strings from the provider's response to Postgres `numeric`:
 * Meta and LinkedIn send strings already; Amazon sends JSON numbers, whose shortest round-trip
 * form (`String(n)`) is the decimal the provider wrote for any value with up to 15 significant digits.
 */

const DECIMAL = /^-?\d+(\.\d+)?$/;

export function toDecimalString(value: number | string): string {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (!DECIMAL.test(trimmed)) throw new TypeError('not a decimal number');
    return trimmed;
  }
  if (!Number.isFinite(value)) throw new TypeError('not a finite number');
  const text = String(value);
  if (!/e/i.test(text)) return text;
  // 1e21 and up are integers; 1e-7 and below need their digits spelled out without an exponent.
  if (Math.abs(value) >= 1e21) return BigInt(value).toString();
  // Only values below 1e-6 get here, so at least 16 decimals are asked for and `fixed` has a point.
  const fixed = value.toFixed(Math.min(20, Math.max(0, -Math.floor(Math.log10(Math.abs(value))) + 15)));
  return fixed.replace(/\.?0+$/, '');
}

/** Sums non-negative integers given as numbers or digit strings (LinkedIn conversions, X metrics). */
export function sumIntegers(values: readonly (number | string | null | undefined)[]): number {
  let total = 0;
  for (const v of values) if (v !== null && v !== undefined) total += Number(v);
  return total;
}
