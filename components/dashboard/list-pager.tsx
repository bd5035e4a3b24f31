import { ChevronLeft, ChevronRight } from 'lucide-react';
import Link from 'next/link';
import { Button } from '@/components/ui/button';
import type { ConnectionPage } from '@/lib/connections/page';
import { listHref, type ListParams } from './list-params';

/**
 * Previous / Next as links to shareable URLs: they work before JavaScript loads and with none, and
 * land on the list's heading rather than the top of the dashboard.
 */
export function ListPager({ params, page }: { params: ListParams; page: Pick<ConnectionPage, 'nextCursor' | 'prevCursor'> }) {
  return (
    <nav aria-label="Connection pages" className="flex items-center justify-between gap-3" data-testid="list-pager">
      <PagerLink cursor={page.prevCursor} params={params} rel="prev">
        <ChevronLeft aria-hidden="true" /> Previous
      </PagerLink>
      <PagerLink cursor={page.nextCursor} params={params} rel="next">
        Next <ChevronRight aria-hidden="true" />
      </PagerLink>
    </nav>
  );
}

function PagerLink({ cursor, params, rel, children }: { cursor: string | null; params: ListParams; rel: 'prev' | 'next'; children: React.ReactNode }) {
  const label = rel === 'prev' ? 'Previous page of connections' : 'Next page of connections';
  if (!cursor) {
    // Kept in place (disabled) so the other link does not jump sideways.
    return (
      <Button size="sm" variant="outline" disabled aria-label={label} data-testid={`page-${rel}`}>
        {children}
      </Button>
    );
  }
  return (
    <Button asChild size="sm" variant="outline">
      <Link href={listHref({ ...params, cursor }, '#connections-heading')} rel={rel} aria-label={label} data-testid={`page-${rel}`}>
        {children}
      </Link>
    </Button>
  );
}
