'use client';

import { useQueryClient } from '@tanstack/react-query';
import { EyeOff, Undo2 } from 'lucide-react';
import { useTransition } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { setConnectionListedAction } from '@/lib/actions/set-connection-listed';
import { CONNECTIONS_QUERY_KEY } from './queries';

/** "Remove from list" on a revoked card, "List again" on a removed one. History is never touched. */
export function ListToggleButton({ connectionId, label, hidden }: { connectionId: string; label: string; hidden: boolean }) {
  const [pending, startTransition] = useTransition();
  const queryClient = useQueryClient();

  const toggle = () =>
    startTransition(async () => {
      const result = await setConnectionListedAction(connectionId, hidden);
      if (result.ok) toast.success(result.message, { description: label });
      else toast.error(result.message, { description: label });
      await queryClient.invalidateQueries({ queryKey: CONNECTIONS_QUERY_KEY });
    });

  const text = hidden ? 'List again' : 'Remove from list';
  return (
    <Button
      size="sm"
      variant="ghost"
      onClick={toggle}
      disabled={pending}
      aria-label={`${text}: ${label}`}
      data-testid={hidden ? 'list-again' : 'remove-from-list'}
    >
      {hidden ? <Undo2 aria-hidden="true" /> : <EyeOff aria-hidden="true" />}
      {text}
    </Button>
  );
}
