'use client';

import { useQueryClient } from '@tanstack/react-query';
import { RefreshCcw } from 'lucide-react';
import { useTransition } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { syncConnectionAction } from '@/lib/actions/sync-connection';
import { SYNC_STATUS_QUERY_KEY } from './sync-queries';

/**
 * Sync now: queues a run for every ad account of the connection and starts it at once. The
 * progress line and the toast when the run ends come from the polled status; only a refusal
 * (already running, no ad accounts, signed out) is said here.
 */
export function SyncNowButton({ connectionId, label, syncing }: { connectionId: string; label: string; syncing: boolean }) {
  const [pending, startTransition] = useTransition();
  const queryClient = useQueryClient();
  const busy = pending || syncing;

  const syncNow = () =>
    startTransition(async () => {
      const result = await syncConnectionAction(connectionId);
      if (!result.ok) toast.error(result.message, { description: label, duration: 10_000 });
      await queryClient.invalidateQueries({ queryKey: SYNC_STATUS_QUERY_KEY });
    });

  return (
    <Button
      size="sm"
      variant="outline"
      onClick={syncNow}
      disabled={busy}
      aria-busy={busy}
      aria-label={`${busy ? 'Syncing' : 'Sync now'} ${label}`}
      data-testid="sync-now"
    >
      <RefreshCcw aria-hidden="true" className={busy ? 'animate-spin motion-reduce:animate-none' : undefined} />
      {busy ? 'Syncing…' : 'Sync now'}
    </Button>
  );
}
