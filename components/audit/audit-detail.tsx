import { detailKeyLabel, detailValueText } from '@/components/dashboard/event-copy';
import { redactTokenLike } from './redact';

const MAX_CHARS = 200;

function describe(key: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return detailValueText(key, value);
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) return value.map((v) => describe(key, v)).join(', ');
  return JSON.stringify(value);
}

function shown(key: string, value: unknown): string {
  const text = redactTokenLike(describe(key, value));
  return text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS)}…` : text;
}

/**
 * An event's detail as key–value pairs, keys and codes in words (event-copy.ts). Rendered as text (never HTML), after the token-shaped
 * parts are hidden; empty values are left out.
 */
export function AuditDetail({ detail }: { detail: Record<string, unknown> }) {
  const entries = Object.entries(detail ?? {})
    .map(([key, value]) => [redactTokenLike(detailKeyLabel(key)), shown(key, value)] as const)
    .filter(([, value]) => value !== '');
  if (entries.length === 0) return <span className="text-muted-foreground">—</span>;
  return (
    <dl className="flex flex-wrap gap-x-3 gap-y-1 text-xs" data-testid="audit-detail">
      {entries.map(([key, value]) => (
        <div key={key} className="flex min-w-0 gap-1">
          <dt className="text-muted-foreground">{key}</dt>
          <dd className="min-w-0 font-mono wrap-anywhere">{value}</dd>
        </div>
      ))}
    </dl>
  );
}
