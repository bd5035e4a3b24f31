'use client';

import { TriangleAlert } from 'lucide-react';
import { catchError, type ErrorInfo } from 'next/error';
import { Button } from '@/components/ui/button';

/**
 * An error boundary for one section of a page: a failure there shows a note with Try again and
 * leaves the rest of the page working. Server errors arrive without their message (Next redacts
 * it in production); the digest matches the server log line.
 */
function SectionError({ title }: { title: string }, { error, retry }: ErrorInfo) {
  const digest = error instanceof Error && 'digest' in error ? String(error.digest) : null;
  return (
    <div role="alert" data-testid="section-error" className="rounded-xl border border-destructive/50 bg-card p-4 text-sm">
      <p className="flex items-center gap-2 font-medium text-destructive">
        <TriangleAlert className="size-4" aria-hidden="true" />
        {title} could not be shown.
      </p>
      <p className="mt-1 text-muted-foreground">
        The rest of the page is unaffected. Try again; if it keeps failing, the server log has the details
        {digest ? ` (reference ${digest})` : ''}.
      </p>
      <Button size="sm" variant="outline" className="mt-3" onClick={() => retry()}>
        Try again
      </Button>
    </div>
  );
}

export const SectionErrorBoundary = catchError(SectionError);
