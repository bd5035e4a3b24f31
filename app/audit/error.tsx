'use client';

import { RouteError } from '@/components/dashboard/route-error';

export default function AuditError({ error, retry }: { error: unknown; retry: () => void }) {
  return <RouteError what="The audit log" error={error} retry={retry} />;
}
