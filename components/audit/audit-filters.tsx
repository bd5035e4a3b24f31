'use client';

import { Search } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, useSyncExternalStore, useTransition, type FormEvent } from 'react';
import { useFocusCarry } from '@/components/focus-carry';
import { Button } from '@/components/ui/button';
import type { AuditLogFilters } from '@/lib/db/audit-log';
import { localTimeZone } from '@/lib/time-zones';
import { auditActionLabel } from './action-label';
import { AUDIT_CONNECTION_CHOICES, AUDIT_OUTCOMES, AUDIT_SEARCH_MAX, auditHref, hasFilters } from './audit-query';

export interface ConnectionChoice {
  id: string;
  label: string;
}

/** How long typing may pause before the search runs: one request per word, not per key. */
const SEARCH_DEBOUNCE_MS = 350;

const FIELD =
  'h-9 w-full min-w-0 rounded-md border border-input bg-background px-2 text-sm outline-none focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/70';

/** The form's values: what the fields show, which may be ahead of the URL while a search waits. */
interface Values {
  connection: string;
  action: string;
  outcome: string;
  from: string;
  to: string;
  q: string;
}

function toValues(f: AuditLogFilters): Values {
  return { connection: f.connectionId ?? '', action: f.action ?? '', outcome: f.outcome ?? '', from: f.from ?? '', to: f.to ?? '', q: f.search ?? '' };
}

/** The link for these values; the server parses (and may drop) each as it would any hand-typed URL. Days are the browser's days. */
function hrefOf(v: Values): string {
  const q = v.q.trim();
  return auditHref({
    ...(v.from || v.to ? { timeZone: localTimeZone() } : {}),
    ...(v.connection ? { connectionId: v.connection } : {}),
    ...(v.action ? { action: v.action } : {}),
    ...(v.outcome ? { outcome: v.outcome as AuditLogFilters['outcome'] } : {}),
    ...(v.from ? { from: v.from } : {}),
    ...(v.to ? { to: v.to } : {}),
    ...(q ? { search: q.slice(0, AUDIT_SEARCH_MAX) } : {}),
  });
}

const noSubscribe = () => () => {};

/**
 * The zone the days are in: the URL's while days are applied (UTC for a link without one), else the
 * browser's, which the next choice of a day will send. The server render cannot know the browser's.
 */
function useDaysZone(filters: AuditLogFilters): string | null {
  const browser = useSyncExternalStore(noSubscribe, localTimeZone, () => null);
  return filters.from || filters.to ? (filters.timeZone ?? 'UTC') : browser;
}

/**
 * The filters live in the URL, so a filtered view can be bookmarked and shared. Each change applies
 * at once (the search after a pause in typing) and starts again from the newest page. Without
 * JavaScript it is still a plain GET form with an Apply button. Native controls: keyboard and
 * screen-reader friendly.
 */
export function AuditFilters({
  filters,
  connections,
  moreConnections = false,
  actions,
}: {
  filters: AuditLogFilters;
  connections: ConnectionChoice[];
  /** Only the first connections are listed: the hint says how to filter by another. */
  moreConnections?: boolean;
  actions: string[];
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [values, setValues] = useState(() => toValues(filters));
  // The URLs this form has asked for and not yet seen land, latest last. When the page's filters
  // change to one of them, that is our own request (the fields, perhaps typed further, stay); to
  // anything else (Clear, Back), the fields follow the page.
  const applied = auditHref(filters);
  const [requested, setRequested] = useState<string[]>([applied]);
  const [seen, setSeen] = useState(applied);
  if (seen !== applied) {
    setSeen(applied);
    if (applied === requested.at(-1)) setRequested([applied]);
    else if (!requested.includes(applied)) {
      setRequested([applied]);
      setValues(toValues(filters));
    }
  }
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => clearTimeout(timer.current ?? undefined), []);
  const form = useRef<HTMLFormElement>(null);
  const zone = useDaysZone(filters);
  const carryFocus = useFocusCarry(form, applied);

  const go = (next: Values, how: 'push' | 'replace') => {
    clearTimeout(timer.current ?? undefined);
    const href = hrefOf(next);
    // Functional: the search runs from a timer, whose render's `requested` may be stale by then.
    setRequested((r) => (r.at(-1) === href ? r : [...r, href]));
    carryFocus(href);
    startTransition(() => router[how](href, { scroll: false }));
  };
  const change = (field: keyof Values, value: string) => {
    const next = { ...values, [field]: value };
    setValues(next);
    if (field !== 'q') return go(next, 'push');
    // Typing replaces the history entry: Back leaves the search rather than replaying it letter by letter.
    clearTimeout(timer.current ?? undefined);
    timer.current = setTimeout(() => go(next, 'replace'), SEARCH_DEBOUNCE_MS);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    go(values, 'push');
  };

  // A filter value from the URL that is not among the choices (e.g. an action not seen yet) stays selectable.
  const actionChoices = values.action && !actions.includes(values.action) ? [values.action, ...actions] : actions;
  return (
    <form
      ref={form}
      method="get"
      action="/audit"
      role="search"
      aria-label="Filter the audit log"
      onSubmit={submit}
      className="grid gap-3 rounded-xl border bg-card p-4 sm:grid-cols-2 lg:grid-cols-6"
      data-testid="audit-filters"
      data-pending={pending ? 'true' : undefined}
    >
      <div className="flex min-w-0 flex-col gap-1 text-sm sm:col-span-2 lg:col-span-6">
        <label htmlFor="audit-filter-search" className="font-medium">
          Search actions and details
        </label>
        <div className="relative">
          <Search aria-hidden="true" className="pointer-events-none absolute top-1/2 left-2 size-4 -translate-y-1/2 text-muted-foreground" />
          <input
            id="audit-filter-search"
            type="search"
            name="q"
            value={values.q}
            maxLength={AUDIT_SEARCH_MAX}
            onChange={(e) => change('q', e.target.value)}
            placeholder="e.g. refresh, invalid_grant, 10%"
            autoComplete="off"
            className={`${FIELD} pl-8`}
            data-testid="filter-search"
          />
        </div>
      </div>
      <div className="flex min-w-0 flex-col gap-1 text-sm lg:col-span-2">
        <label htmlFor="audit-filter-connection" className="font-medium">
          Connection
        </label>
        <select
          id="audit-filter-connection"
          name="connection"
          value={values.connection}
          onChange={(e) => change('connection', e.target.value)}
          className={FIELD}
          aria-describedby={moreConnections ? 'audit-filter-connection-hint' : undefined}
          data-testid="filter-connection"
        >
          <option value="">All connections</option>
          {connections.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
        {moreConnections && (
          <p id="audit-filter-connection-hint" className="text-xs text-muted-foreground" data-testid="filter-connection-more">
            Only the first {AUDIT_CONNECTION_CHOICES} connections (by platform and name) are listed here. For another one, open it from
            the dashboard: its page lists all of its audit events.
          </p>
        )}
      </div>
      <div className="flex min-w-0 flex-col gap-1 text-sm lg:col-span-2">
        <label htmlFor="audit-filter-action" className="font-medium">
          Action
        </label>
        <select id="audit-filter-action" name="action" value={values.action} onChange={(e) => change('action', e.target.value)} className={FIELD} data-testid="filter-action">
          <option value="">All actions</option>
          {actionChoices.map((a) => (
            <option key={a} value={a}>
              {auditActionLabel(a)} ({a})
            </option>
          ))}
        </select>
      </div>
      <div className="flex min-w-0 flex-col gap-1 text-sm lg:col-span-2">
        <label htmlFor="audit-filter-outcome" className="font-medium">
          Outcome
        </label>
        <select id="audit-filter-outcome" name="outcome" value={values.outcome} onChange={(e) => change('outcome', e.target.value)} className={FIELD} data-testid="filter-outcome">
          <option value="">All outcomes</option>
          {AUDIT_OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="flex min-w-0 flex-col gap-1 text-sm sm:col-span-2 lg:col-span-4" aria-describedby="audit-filter-days-hint">
        <legend className="font-medium">Days</legend>
        <div className="grid grid-cols-2 gap-2">
          <div className="flex min-w-0 flex-col gap-1">
            <label htmlFor="audit-filter-from" className="text-xs text-muted-foreground">
              From
            </label>
            <input id="audit-filter-from" type="date" name="from" value={values.from} max={values.to || undefined} onChange={(e) => change('from', e.target.value)} className={FIELD} data-testid="filter-from" />
          </div>
          <div className="flex min-w-0 flex-col gap-1">
            <label htmlFor="audit-filter-to" className="text-xs text-muted-foreground">
              To
            </label>
            <input id="audit-filter-to" type="date" name="to" value={values.to} min={values.from || undefined} onChange={(e) => change('to', e.target.value)} className={FIELD} data-testid="filter-to" />
          </div>
        </div>
        <p id="audit-filter-days-hint" className="text-xs text-muted-foreground">
          Whole days {zone ? <span data-testid="filter-days-zone">in {zone}</span> : 'in your time zone'}, both included. Leave empty for all
          time.
        </p>
      </fieldset>
      <div className="flex items-end gap-2 sm:col-span-2 lg:col-span-2">
        <noscript>
          <Button type="submit">Apply</Button>
        </noscript>
        {hasFilters(filters) && (
          <Button asChild variant="outline">
            <Link href="/audit" data-testid="clear-filters">
              Clear
            </Link>
          </Button>
        )}
        <p role="status" className="text-xs text-muted-foreground" data-testid="filters-status">
          {pending ? 'Updating…' : ''}
        </p>
      </div>
    </form>
  );
}
