import { Download } from 'lucide-react';
import { Button } from '@/components/ui/button';
import type { AuditLogFilters } from '@/lib/db/audit-log';
import { AUDIT_EXPORT_LIMIT, auditExportHref, hasFilters } from './audit-query';

/**
 * A plain link to the CSV of the events in view: the URL's filters, every page. A link rather than
 * a fetch: the browser downloads it with the session cookie, and the file name comes from the server.
 */
export function AuditExportLink({ filters }: { filters: AuditLogFilters }) {
  return (
    <div className="flex flex-wrap items-center justify-between gap-2">
      <p className="text-xs text-muted-foreground" id="audit-export-note">
        {hasFilters(filters) ? 'The events matching these filters' : 'Every event'}, newest first, up to{' '}
        {AUDIT_EXPORT_LIMIT.toLocaleString('en-US')} in one file.
      </p>
      <Button asChild variant="outline" size="sm">
        <a href={auditExportHref(filters)} download aria-describedby="audit-export-note" data-testid="audit-export">
          <Download aria-hidden="true" /> Download CSV
        </a>
      </Button>
    </div>
  );
}
