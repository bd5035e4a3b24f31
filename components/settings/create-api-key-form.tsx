'use client';

import { KeyRound } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useId, useState, useTransition } from 'react';
import { toast } from 'sonner';
import { useHydrated } from '@/components/dashboard/clock';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { createApiKeyAction } from '@/lib/actions/create-api-key';
import { useCreatedKey } from './created-key-context';
import { SecretReveal } from './secret-reveal';

/** Names and creates a key, then shows its secret this once. */
export function CreateApiKeyForm() {
  const id = useId();
  const router = useRouter();
  const { created, setCreated } = useCreatedKey();
  // Until hydrated the button is disabled, which also stops Enter from submitting the form natively.
  const hydrated = useHydrated();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const submit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    // Uncontrolled: what was typed before hydration is kept, not reset to React's initial state.
    const name = String(new FormData(form).get('name') ?? '');
    startTransition(async () => {
      const result = await createApiKeyAction(name).catch(() => ({ ok: false as const, message: 'The key could not be created. Try again.' }));
      if (!result.ok && 'rateLimited' in result && result.rateLimited) {
        toast.error(result.message);
        return;
      }
      if (!result.ok) {
        setError(result.message);
        return;
      }
      setError(null);
      form.reset();
      setCreated({ id: result.id, name: result.name, prefix: result.prefix, key: result.key });
      toast.success(`API key “${result.name}” created.`);
      // The actions revalidate "/" only; this page lists the keys too.
      router.refresh();
    });
  };

  return (
    <div className="flex flex-col gap-3">
      <form onSubmit={submit} className="flex flex-col gap-2" noValidate>
        <Label htmlFor={id}>Key name</Label>
        <div className="flex flex-col gap-2 sm:flex-row">
          <Input
            id={id}
            name="name"
            maxLength={100}
            placeholder="e.g. nightly-sync on worker-1"
            autoComplete="off"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : `${id}-hint`}
            className="sm:max-w-sm"
            data-testid="api-key-name"
          />
          <Button type="submit" disabled={!hydrated || pending} data-testid="create-api-key">
            <KeyRound aria-hidden="true" />
            {pending ? 'Creating…' : 'Create key'}
          </Button>
        </div>
        {error ? (
          <p id={`${id}-error`} className="text-sm text-destructive" role="alert">
            {error}
          </p>
        ) : (
          <p id={`${id}-hint`} className="text-sm text-muted-foreground">
            One key per job or machine, so you can revoke one without stopping the others.
          </p>
        )}
      </form>
      {created && (
        <SecretReveal
          title={`Your new API key “${created.name}”`}
          label="API key"
          value={created.key}
          stored="Grantkeeper keeps only its hash."
          testId="api-key-secret"
          onDismiss={() => setCreated(null)}
        />
      )}
    </div>
  );
}
