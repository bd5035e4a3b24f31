'use client';

import { RouteError } from '@/components/dashboard/route-error';

export default function InsightsError({ error, retry }: { error: unknown; retry: () => void }) {
  return <RouteError what="Campaign insights" error={error} retry={retry} />;
}
