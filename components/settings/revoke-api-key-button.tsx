'use client';

import { Trash2 } from 'lucide-react';
import { useRouter } from 'next/navigation';
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
import { revokeApiKeyAction } from '@/lib/actions/revoke-api-key';
import { useCreatedKey } from './created-key-context';

export function RevokeApiKeyButton({ id, name, prefix }: { id: string; name: string; prefix: string }) {
  const router = useRouter();
  const { created, setCreated } = useCreatedKey();
  const [pending, startTransition] = useTransition();

  const revoke = () =>
    startTransition(async () => {
      const result = await revokeApiKeyAction(id).catch(() => ({ ok: false as const, message: 'The key could not be revoked. Try again.' }));
      if (!result.ok) {
        toast.error(result.message);
        return;
      }
      if (created?.id === id) setCreated(null);
      toast.success(result.message);
      router.refresh();
    });

  return (
    <AlertDialog>
      <AlertDialogTrigger asChild>
        <Button variant="outline" size="sm" disabled={pending} data-testid="revoke-api-key" aria-label={`Revoke ${name}`}>
          <Trash2 aria-hidden="true" />
          {pending ? 'Revoking…' : 'Revoke'}
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Revoke the API key “{name}”?</AlertDialogTitle>
          <AlertDialogDescription>
            Jobs using <span className="font-mono">{prefix}</span> get 401 from the token API at once (on other servers
            within 30 seconds). This cannot be undone: make a new key instead.
          </AlertDialogDescription>
        </AlertDialogHeader>
        <AlertDialogFooter>
          <AlertDialogCancel>Keep it</AlertDialogCancel>
          <AlertDialogAction variant="destructive" onClick={revoke} data-testid="confirm-revoke-api-key">
            Revoke
          </AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
