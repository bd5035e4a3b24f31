'use client';

import { Send, Trash2, Webhook } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useId, useRef, useState, useTransition } from 'react';
import { toast } from 'sonner';
import { useHydrated } from '@/components/dashboard/clock';
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
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { deleteWebhookEndpointAction } from '@/lib/actions/delete-webhook-endpoint';
import { saveWebhookEndpointAction } from '@/lib/actions/save-webhook-endpoint';
import { sendTestNotificationAction } from '@/lib/actions/send-test-notification';
import { cn } from '@/lib/cn';
import { SecretReveal } from './secret-reveal';

const FAILED = { ok: false as const, message: 'Something went wrong on our side. Try again.' };

/** Save or replace the webhook URL (the signing secret is shown once), remove it, send a test event. */
export function WebhookEndpointForm({ currentUrl }: { currentUrl: string | null }) {
  const id = useId();
  const router = useRouter();
  // Until hydrated the buttons are disabled, which also stops Enter from submitting the form natively.
  const hydrated = useHydrated();
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [test, setTest] = useState<{ ok: boolean; message: string } | null>(null);
  const [pending, startTransition] = useTransition();

  const save = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    // Uncontrolled fields: what was typed before hydration is kept.
    const data = new FormData(form);
    const url = String(data.get('url') ?? '');
    const rotateSecret = data.get('rotate') === 'on';
    startTransition(async () => {
      const result = await saveWebhookEndpointAction({ url, rotateSecret }).catch(() => FAILED);
      if (!result.ok) {
        setError(result.message);
        return;
      }
      setError(null);
      form.reset();
      // The URL as stored (trimmed), and it stays in the field.
      if (input.current) input.current.value = result.url;
      if (result.secret) setSecret(result.secret);
      toast.success(result.message);
      router.refresh();
    });
  };

  const remove = () =>
    startTransition(async () => {
      const result = await deleteWebhookEndpointAction().catch(() => FAILED);
      if (!result.ok) {
        toast.error(result.message);
        return;
      }
      if (input.current) input.current.value = '';
      setSecret(null);
      setTest(null);
      toast.success(result.message);
      router.refresh();
    });

  const sendTest = () =>
    startTransition(async () => {
      setTest(null);
      const result = await sendTestNotificationAction().catch(() => FAILED);
      if ('rateLimited' in result && result.rateLimited) {
        toast.error(result.message);
        return;
      }
      setTest(result);
      router.refresh();
    });

  return (
    <div className="flex flex-col gap-4">
      <form onSubmit={save} className="flex flex-col gap-2" noValidate>
        <Label htmlFor={id}>Endpoint URL</Label>
        <div className="flex flex-col gap-2 sm:flex-row">
          <Input
            id={id}
            type="url"
            inputMode="url"
            name="url"
            ref={input}
            defaultValue={currentUrl ?? ''}
            placeholder="https://example.com/hooks/grantkeeper"
            autoComplete="off"
            spellCheck={false}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : `${id}-hint`}
            className="sm:max-w-lg"
            data-testid="webhook-url"
          />
          <Button type="submit" disabled={!hydrated || pending} data-testid="save-webhook">
            <Webhook aria-hidden="true" />
            {currentUrl ? 'Replace URL' : 'Save URL'}
          </Button>
        </div>
        {currentUrl && (
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              name="rotate"
              className="size-4 accent-primary"
              data-testid="rotate-webhook-secret"
            />
            Also make a new signing secret (the old one stops verifying at once)
          </label>
        )}
        {error ? (
          <p id={`${id}-error`} className="text-sm text-destructive" role="alert" data-testid="webhook-error">
            {error}
          </p>
        ) : (
          <p id={`${id}-hint`} className="text-sm text-muted-foreground">
            Grantkeeper POSTs signed JSON (Standard Webhooks) when a connection needs you: reconnect needed, errors,
            recoveries, expiry warnings. The URL must reach a public host: private and loopback addresses are refused.
          </p>
        )}
      </form>

      {secret && (
        <SecretReveal
          title="Your webhook signing secret"
          label="Webhook signing secret"
          value={secret}
          stored="Grantkeeper keeps it encrypted and only uses it to sign events."
          testId="webhook-secret"
          onDismiss={() => setSecret(null)}
        />
      )}

      {currentUrl && (
        <div className="flex flex-wrap items-center gap-2">
          <Button type="button" variant="secondary" disabled={!hydrated || pending} onClick={sendTest} data-testid="send-test-event">
            <Send aria-hidden="true" />
            {pending ? 'Working…' : 'Send a test event'}
          </Button>
          <AlertDialog>
            <AlertDialogTrigger asChild>
              <Button type="button" variant="outline" disabled={!hydrated || pending} data-testid="remove-webhook">
                <Trash2 aria-hidden="true" /> Remove
              </Button>
            </AlertDialogTrigger>
            <AlertDialogContent>
              <AlertDialogHeader>
                <AlertDialogTitle>Remove the webhook endpoint?</AlertDialogTitle>
                <AlertDialogDescription>
                  No more events are sent; deliveries still waiting for a retry end as failed. Saving a URL again makes a
                  new signing secret.
                </AlertDialogDescription>
              </AlertDialogHeader>
              <AlertDialogFooter>
                <AlertDialogCancel>Keep it</AlertDialogCancel>
                <AlertDialogAction variant="destructive" onClick={remove} data-testid="confirm-remove-webhook">
                  Remove
                </AlertDialogAction>
              </AlertDialogFooter>
            </AlertDialogContent>
          </AlertDialog>
        </div>
      )}
      <p
        role="status"
        aria-live="polite"
        className={cn('text-sm empty:hidden', test && (test.ok ? 'text-success' : 'text-destructive'))}
        data-testid="test-event-result"
        data-ok={test ? String(test.ok) : undefined}
      >
        {test?.message}
      </p>
    </div>
  );
}
