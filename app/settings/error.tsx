'use client';

import { RouteError } from '@/components/dashboard/route-error';

export default function SettingsError({ error, retry }: { error: unknown; retry: () => void }) {
  return <RouteError what="Settings" error={error} retry={retry} />;
}
