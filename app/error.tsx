'use client';

import { RouteError } from '@/components/dashboard/route-error';

/**
 * Failures above the pages' own boundaries: a layout that could not read the signed-in user
 * (the database is down, say) lands here, inside the root layout.
 */
export default function RootError({ error, retry }: { error: unknown; retry: () => void }) {
  return <RouteError what="This page" error={error} retry={retry} />;
}
