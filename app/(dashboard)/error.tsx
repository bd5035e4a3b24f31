'use client';

import { RouteError } from '@/components/dashboard/route-error';

/** When the dashboard itself cannot be rendered (sections fail on their own, inside the page). */
export default function DashboardError({ error, retry }: { error: unknown; retry: () => void }) {
  return <RouteError what="The dashboard" error={error} retry={retry} />;
}
