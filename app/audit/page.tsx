import { redirect } from 'next/navigation';
import { AuditEmpty } from '@/components/audit/audit-empty';
import { AuditFilters, type ConnectionChoice } from '@/components/audit/audit-filters';
import { AuditPagination } from '@/components/audit/audit-pagination';
import { AuditExportLink } from '@/components/audit/audit-export-link';
import { AUDIT_CONNECTION_CHOICES, AUDIT_PAGE_SIZE, auditHref, hasFilters, parseAuditQuery } from '@/components/audit/audit-query';
import { AuditTable } from '@/components/audit/audit-table';
import { ClockProvider } from '@/components/dashboard/clock';
import { PROVIDER_COPY } from '@/components/dashboard/provider-copy';
import { getSessionUser } from '@/lib/auth/session';
import { asUser, getDb } from '@/lib/db';
import { listAuditActions, listAuditLogPage } from '@/lib/db/audit-log';
import { listConnectionChoices, type ConnectionChoiceRow } from '@/lib/db/filter-choices';
import { withRequestContext } from '@/lib/http/render-context';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Audit log · Grantkeeper' };

function connectionLabel(c: ConnectionChoiceRow): string {
  const provider = PROVIDER_COPY[c.provider as keyof typeof PROVIDER_COPY]?.name ?? c.provider;
  return `${c.display_name ?? c.external_account_id} · ${provider}${c.status === 'revoked' ? ' (disconnected)' : ''}`;
}

export default withRequestContext(async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await getSessionUser();
  // The layout has redirected already; this narrows the type.
  if (!user) redirect('/signed-out');
  const { filters, cursor } = parseAuditQuery(await searchParams);
  const db = await getDb();
  const renderedAt = new Date().getTime();
  const data = await asUser(db, user.id, async (tx) => ({
    page: await listAuditLogPage(tx, { userId: user.id, filters, cursor, limit: AUDIT_PAGE_SIZE }),
    actions: await listAuditActions(tx, { userId: user.id }),
    // A bounded few for the select (and the chosen one), never the whole list: there may be thousands.
    connections: await listConnectionChoices(tx, { userId: user.id, limit: AUDIT_CONNECTION_CHOICES, include: filters.connectionId }),
  }));
  const { rows, hasNewer, hasOlder } = data.page;
  const choices: ConnectionChoice[] = data.connections.rows.map((c) => ({ id: c.id, label: connectionLabel(c) }));
  const empty = rows.length === 0 ? (cursor ? 'past_end' : hasFilters(filters) ? 'filtered' : 'none') : null;

  return (
    <ClockProvider renderedAt={renderedAt}>
      <main className="mx-auto flex max-w-6xl flex-col gap-6 px-4 py-6 sm:px-6">
        <div className="flex flex-col gap-1">
          <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
          <p className="text-sm text-muted-foreground">
            Everything that happened to your connections, keys and webhooks, newest first. Secrets are never recorded.
          </p>
        </div>
        {(empty !== 'none' || hasFilters(filters)) && (
          <AuditFilters filters={filters} connections={choices} moreConnections={data.connections.more} actions={data.actions} />
        )}
        {empty ? (
          <AuditEmpty reason={empty} startHref={auditHref(filters)} />
        ) : (
          <section aria-label="Events" className="flex flex-col gap-3">
            <AuditExportLink filters={filters} />
            <AuditTable rows={rows} />
            <AuditPagination
              filters={filters}
              newestId={rows[0]!.id}
              oldestId={rows[rows.length - 1]!.id}
              hasNewer={hasNewer}
              hasOlder={hasOlder}
            />
          </section>
        )}
      </main>
    </ClockProvider>
  );
});
