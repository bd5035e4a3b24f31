/**
 * Exact sums of the decimal strings the insights API sends (Postgres `numeric` as text). A float
 * sum of thousands of cents drifts; the page's totals must equal the exported CSV's to the cent.
 */

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

interface Scaled {
  units: bigint;
  scale: number;
}

function parse(value: string): Scaled {
  const m = DECIMAL.exec(value.trim());
  if (!m) throw new TypeError(`not a decimal: ${value}`);
  const fraction = m[3] ?? '';
  const units = BigInt(`${m[2]}${fraction}`);
  return { units: m[1] ? -units : units, scale: fraction.length };
}

function format({ units, scale }: Scaled): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? `.${digits.slice(digits.length - scale)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** The exact sum, at the largest scale among the values; null when every value is null (no such figure). */
export function sumDecimals(values: readonly (string | null | undefined)[]): string | null {
  let total: Scaled | null = null;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const next = parse(v);
    if (!total) {
      total = next;
      continue;
    }
    const scale = Math.max(total.scale, next.scale);
    const units: bigint = total.units * 10n ** BigInt(scale - total.scale) + next.units * 10n ** BigInt(scale - next.scale);
    total = { units, scale };
  }
  return total ? format(total) : null;
}

/** A ratio for display (CTR, CPC, cost per conversion); null when the divisor is zero or missing. */
export function ratio(numerator: string | null, denominator: string | null): number | null {
  if (numerator === null || denominator === null) return null;
  const d = Number(denominator);
  return d === 0 ? null : Number(numerator) / d;
}
