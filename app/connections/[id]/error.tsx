'use client';

import { RouteError } from '@/components/dashboard/route-error';

/** When a connection's page cannot be rendered as a whole. */
export default function ConnectionError({ error, retry }: { error: unknown; retry: () => void }) {
  return <RouteError what="This connection’s page" error={error} retry={retry} />;
}
