import { ChevronLeft, ChevronRight } from 'lucide-react';
import Link from 'next/link';
import { Button } from '@/components/ui/button';
import type { AuditLogFilters } from '@/lib/db/audit-log';
import { auditHref } from './audit-query';

/** Newer / Older by event id; a side with nothing on it is shown disabled rather than hidden. */
export function AuditPagination({
  filters,
  newestId,
  oldestId,
  hasNewer,
  hasOlder,
}: {
  filters: AuditLogFilters;
  newestId: string;
  oldestId: string;
  hasNewer: boolean;
  hasOlder: boolean;
}) {
  if (!hasNewer && !hasOlder) return null;
  const newer = auditHref(filters, { after: newestId });
  const older = auditHref(filters, { before: oldestId });
  return (
    <nav aria-label="Audit log pages" className="flex items-center justify-between gap-2" data-testid="audit-pagination">
      {hasNewer ? (
        <Button asChild variant="outline" size="sm">
          <Link href={newer} rel="prev" data-testid="page-newer">
            <ChevronLeft aria-hidden="true" /> Newer
          </Link>
        </Button>
      ) : (
        <Button variant="outline" size="sm" disabled aria-disabled="true">
          <ChevronLeft aria-hidden="true" /> Newer
        </Button>
      )}
      {hasOlder ? (
        <Button asChild variant="outline" size="sm">
          <Link href={older} rel="next" data-testid="page-older">
            Older <ChevronRight aria-hidden="true" />
          </Link>
        </Button>
      ) : (
        <Button variant="outline" size="sm" disabled aria-disabled="true">
          Older <ChevronRight aria-hidden="true" />
        </Button>
      )}
    </nav>
  );
}
