'use client';

import { TriangleAlert } from 'lucide-react';
import { useId, useRef } from 'react';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { CopyButton } from './copy-button';

/**
 * A secret the server returned once: read-only, selectable, copyable, with a plain warning that it
 * will not be shown again. Dismissing it drops it from memory.
 */
export function SecretReveal({
  title,
  label,
  value,
  stored,
  onDismiss,
  testId,
}: {
  title: string;
  /** How Grantkeeper keeps it, so the user knows why it cannot be shown again. */
  stored: string;
  label: string;
  value: string;
  onDismiss: () => void;
  testId: string;
}) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const select = () => input.current?.select();
  return (
    <Alert variant="info" role="status" data-testid={`${testId}-reveal`}>
      <TriangleAlert aria-hidden="true" />
      <AlertTitle className="line-clamp-none">{title}</AlertTitle>
      <AlertDescription className="w-full gap-2">
        <p>
          <strong>You won’t see it again.</strong> Copy it now and keep it somewhere safe. {stored}
        </p>
        <label htmlFor={id} className="sr-only">
          {label}
        </label>
        <div className="flex w-full min-w-0 flex-col gap-2 sm:flex-row">
          <Input
            id={id}
            ref={input}
            readOnly
            value={value}
            onFocus={select}
            spellCheck={false}
            autoComplete="off"
            className="min-w-0 bg-background font-mono text-xs text-foreground md:text-xs"
            data-testid={testId}
          />
          <div className="flex gap-2">
            <CopyButton value={value} fallbackSelect={select} data-testid={`${testId}-copy`} />
            <Button type="button" variant="ghost" onClick={onDismiss}>
              Done
            </Button>
          </div>
        </div>
      </AlertDescription>
    </Alert>
  );
}
