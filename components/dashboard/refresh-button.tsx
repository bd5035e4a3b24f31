'use client';

import { useQueryClient } from '@tanstack/react-query';
import { RefreshCw } from 'lucide-react';
import { useTransition } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { refreshConnectionAction } from '@/lib/actions/refresh-connection';
import { CONNECTIONS_QUERY_KEY } from './queries';

/** Refresh now: asks the provider for a new access token and says what happened. */
export function RefreshButton({
  connectionId,
  accountName,
  label,
}: {
  connectionId: string;
  accountName: string;
  /** Who this is for, e.g. "Avery Quinn (Amazon Ads)": the button's accessible name says it. */
  label: string;
}) {
  const [pending, startTransition] = useTransition();
  const queryClient = useQueryClient();

  const refreshNow = () =>
    startTransition(async () => {
      const result = await refreshConnectionAction(connectionId);
      if (result.ok) toast.success(result.message, { description: accountName });
      else toast.error(result.message, { description: accountName, duration: 10_000 });
      await queryClient.invalidateQueries({ queryKey: CONNECTIONS_QUERY_KEY });
    });

  return (
    <Button
      size="sm"
      variant="secondary"
      onClick={refreshNow}
      disabled={pending}
      aria-busy={pending}
      aria-label={`${pending ? 'Refreshing' : 'Refresh now'} ${label}`}
      data-testid="refresh-now"
    >
      <RefreshCw aria-hidden="true" className={pending ? 'animate-spin motion-reduce:animate-none' : undefined} />
      {pending ? 'Refreshing…' : 'Refresh now'}
    </Button>
  );
}
