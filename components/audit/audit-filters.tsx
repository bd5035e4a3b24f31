import { Filter } from 'lucide-react';
import Link from 'next/link';
import { Button } from '@/components/ui/button';
import type { AuditLogFilters } from '@/lib/db/audit-log';
import { auditActionLabel } from './action-label';
import { AUDIT_OUTCOMES, hasFilters } from './audit-query';

export interface ConnectionChoice {
  id: string;
  label: string;
}

const SELECT =
  'h-9 w-full min-w-0 rounded-md border border-input bg-background px-2 text-sm outline-none focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/70';

/**
 * A plain GET form: the filters live in the URL, so a filtered view can be bookmarked and shared,
 * and it works before (and without) JavaScript. Native selects: keyboard and screen-reader friendly.
 */
export function AuditFilters({
  filters,
  connections,
  actions,
}: {
  filters: AuditLogFilters;
  connections: ConnectionChoice[];
  actions: string[];
}) {
  // A filter value from the URL that is not among the choices (e.g. an action not seen yet) stays selectable.
  const actionChoices = filters.action && !actions.includes(filters.action) ? [filters.action, ...actions] : actions;
  return (
    <form
      // Client navigations (Clear, paging) keep this element: a new key resets the uncontrolled selects.
      key={`${filters.connectionId}|${filters.action}|${filters.outcome}`}
      method="get"
      action="/audit"
      role="search"
      aria-label="Filter the audit log"
      className="grid gap-3 rounded-xl border bg-card p-4 sm:grid-cols-2 lg:grid-cols-[1fr_1fr_1fr_auto]"
      data-testid="audit-filters"
    >
      <div className="flex min-w-0 flex-col gap-1 text-sm">
        <label htmlFor="audit-filter-connection" className="font-medium">
          Connection
        </label>
        <select id="audit-filter-connection" name="connection" defaultValue={filters.connectionId ?? ''} className={SELECT} data-testid="filter-connection">
          <option value="">All connections</option>
          {connections.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
      </div>
      <div className="flex min-w-0 flex-col gap-1 text-sm">
        <label htmlFor="audit-filter-action" className="font-medium">
          Action
        </label>
        <select id="audit-filter-action" name="action" defaultValue={filters.action ?? ''} className={SELECT} data-testid="filter-action">
          <option value="">All actions</option>
          {actionChoices.map((a) => (
            <option key={a} value={a}>
              {auditActionLabel(a)} ({a})
            </option>
          ))}
        </select>
      </div>
      <div className="flex min-w-0 flex-col gap-1 text-sm">
        <label htmlFor="audit-filter-outcome" className="font-medium">
          Outcome
        </label>
        <select id="audit-filter-outcome" name="outcome" defaultValue={filters.outcome ?? ''} className={SELECT} data-testid="filter-outcome">
          <option value="">All outcomes</option>
          {AUDIT_OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </div>
      <div className="flex items-end gap-2">
        <Button type="submit" data-testid="apply-filters">
          <Filter aria-hidden="true" /> Apply
        </Button>
        {hasFilters(filters) && (
          <Button asChild variant="ghost">
            <Link href="/audit">Clear</Link>
          </Button>
        )}
      </div>
    </form>
  );
}
