'use client';

import { useQueryClient } from '@tanstack/react-query';
import { Unplug } from 'lucide-react';
import { useTransition } from 'react';
import { toast } from 'sonner';
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from '@/components/ui/alert-dialog';
import { Button } from '@/components/ui/button';
import { disconnectConnectionAction } from '@/lib/actions/disconnect-connection';
import { CONNECTIONS_QUERY_KEY } from './queries';

/** Disconnect with a confirmation that says what happens at the provider. */
export function DisconnectButton({
  connectionId,
  accountName,
  providerName,
  atProvider,
  label,
}: {
  connectionId: string;
  /** Who this is for, e.g. "Avery Quinn (Amazon Ads)": the button's accessible name says it. */
  label: string;
  accountName: string;
  providerName: string;
  /** What disconnecting does at the provider, in words. */
  atProvider: string;
}) {
  const [pending, startTransition] = useTransition();
  const queryClient = useQueryClient();

  const disconnect = () =>
    startTransition(async () => {
      const result = await disconnectConnectionAction(connectionId);
      if (!result.ok) {
        toast.error(result.message, { description: accountName });
        return;
      }
      // The account in the description, so several disconnects in a row stay tellable apart.
      toast.success(
        result.message,
        result.manualStep
          ? { description: `${accountName}: ${result.manualStep}`, duration: 15000 }
          : { description: accountName },
      );
      await queryClient.invalidateQueries({ queryKey: CONNECTIONS_QUERY_KEY });
    });

  return (
    <AlertDialog>
      <AlertDialogTrigger asChild>
        <Button
          variant="outline"
          size="sm"
          disabled={pending}
          aria-label={`${pending ? 'Disconnecting' : 'Disconnect'} ${label}`}
          data-testid="disconnect"
        >
          <Unplug aria-hidden="true" />
          {pending ? 'Disconnecting…' : 'Disconnect'}
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>
            Disconnect {accountName} from {providerName}?
          </AlertDialogTitle>
          <AlertDialogDescription>
            {atProvider} Grantkeeper erases both tokens at once; sync jobs using this connection stop receiving tokens.
          </AlertDialogDescription>
        </AlertDialogHeader>
        <AlertDialogFooter>
          <AlertDialogCancel>Keep it</AlertDialogCancel>
          <AlertDialogAction variant="destructive" onClick={disconnect} data-testid="confirm-disconnect">
            Disconnect
          </AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
