import Link from 'next/link';
import { PROVIDER_COPY } from '@/components/dashboard/provider-copy';
import { actorLabel } from '@/components/dashboard/event-copy';
import { DateTime, RelativeTime } from '@/components/dashboard/time';
import type { AuditLogRow } from '@/lib/db/audit-log';
import { auditActionLabel } from './action-label';
import { AuditDetail } from './audit-detail';
import { OutcomeBadge } from './outcome-badge';

/** "user", "system" or "api_key:<prefix>", in the connection page's words; the prefix is public. */
function Actor({ actor }: { actor: string }) {
  const label = actorLabel(actor);
  return <span>{label.charAt(0).toUpperCase() + label.slice(1)}</span>;
}

function ConnectionCell({ row }: { row: AuditLogRow }) {
  if (!row.connection_id) return <span className="text-muted-foreground">—</span>;
  const provider = PROVIDER_COPY[row.connection_provider as keyof typeof PROVIDER_COPY]?.name ?? row.connection_provider;
  return (
    <Link
      href={`/connections/${row.connection_id}`}
      prefetch={false}
      className="rounded-sm text-primary underline-offset-4 hover:underline"
      data-testid="audit-connection"
    >
      {row.connection_name ?? row.connection_external_id ?? 'Connection'}
      {provider && <span className="text-muted-foreground max-md:before:content-['_·_'] md:block md:text-xs">{provider}</span>}
    </Link>
  );
}

/** Mobile-only label for a cell; on wider screens the column header says it. */
function CellLabel({ children }: { children: string }) {
  return <span className="mr-1 text-xs text-muted-foreground md:hidden">{children}:</span>;
}

const TD = 'block align-top md:table-cell md:px-3 md:py-2.5';

/**
 * The events as a table on wide screens; on a phone each row stacks into a small card so nothing
 * scrolls sideways.
 */
export function AuditTable({ rows }: { rows: AuditLogRow[] }) {
  return (
    <div className="overflow-hidden rounded-xl border bg-card">
      <table className="w-full text-sm" data-testid="audit-table">
        <caption className="sr-only">Audit events, newest first</caption>
        <thead className="max-md:sr-only">
          <tr className="border-b bg-muted/50 text-left">
            <th scope="col" className="px-3 py-2 font-medium">Time</th>
            <th scope="col" className="px-3 py-2 font-medium">Actor</th>
            <th scope="col" className="px-3 py-2 font-medium">Action</th>
            <th scope="col" className="px-3 py-2 font-medium">Outcome</th>
            <th scope="col" className="px-3 py-2 font-medium">Connection</th>
            <th scope="col" className="px-3 py-2 font-medium">Detail</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr
              key={row.id}
              className="flex flex-wrap items-center gap-x-2 gap-y-1.5 border-b p-3 last:border-0 md:table-row md:p-0"
              data-testid="audit-row"
              data-event-id={row.id}
              data-action={row.action}
              data-outcome={row.outcome}
              data-connection-id={row.connection_id ?? ''}
            >
              <td className={`${TD} whitespace-nowrap max-md:basis-full`}>
                <span className="font-medium">
                  <RelativeTime past iso={row.created_at.toISOString()} />
                </span>
                <span className="block text-xs text-muted-foreground max-md:ml-2 max-md:inline">
                  <DateTime iso={row.created_at.toISOString()} />
                </span>
              </td>
              <td className={`${TD} max-md:order-1 max-md:basis-full md:whitespace-nowrap`}>
                <CellLabel>Actor</CellLabel>
                <Actor actor={row.actor} />
              </td>
              <td className={`${TD} md:whitespace-nowrap`} data-testid="audit-action">
                <span className="font-medium">{auditActionLabel(row.action)}</span>
                <span className="font-mono text-xs text-muted-foreground max-md:ml-2 md:block">{row.action}</span>
              </td>
              <td className={TD}>
                <OutcomeBadge outcome={row.outcome} />
              </td>
              <td className={`${TD} max-md:order-2 max-md:basis-full ${row.connection_id ? '' : 'max-md:hidden'}`}>
                <CellLabel>Connection</CellLabel>
                <ConnectionCell row={row} />
              </td>
              <td className={`${TD} min-w-0 max-md:order-3 max-md:basis-full md:max-w-md`}>
                <AuditDetail detail={row.detail} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
