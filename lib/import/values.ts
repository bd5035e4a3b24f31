import 'server-only';

/** Coercions for prototype values, whose column types are not known in advance. */

export function str(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value);
  return text === '' ? null : text;
}

export function date(value: unknown): Date | null {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value : null;
}

export function isInactive(value: unknown): boolean {
  if (typeof value === 'boolean') return !value;
  return /^(false|f|0|no|inactive|disconnected|revoked|deleted)$/i.test(str(value) ?? '');
}

export function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).filter(Boolean);
  return (str(value) ?? '').split(/[\s,]+/).filter(Boolean);
}

export function object(value: unknown): Record<string, unknown> | null {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return { value };
    }
  }
  if (parsed === null || parsed === undefined) return null;
  return typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { value: parsed };
}
