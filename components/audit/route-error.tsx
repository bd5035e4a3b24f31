'use client';

import { TriangleAlert } from 'lucide-react';
import Link from 'next/link';
import { Button } from '@/components/ui/button';
import { Card, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';

/**
 * The error boundary's face for a page that failed to load (database down, a bug). In production
 * Next sends only a digest for server errors, never the message, so nothing sensitive can show.
 */
export function RouteError({ what, error, retry }: { what: string; error: unknown; retry: () => void }) {
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;
  return (
    <main className="mx-auto flex max-w-lg flex-col px-4 py-12">
      <Card data-testid="route-error" role="alert">
        <CardHeader>
          <CardTitle className="flex items-center gap-2">
            <TriangleAlert className="size-5 text-destructive" aria-hidden="true" />
            <h1>{what} could not be loaded</h1>
          </CardTitle>
          <CardDescription>
            Something went wrong on our side, for example the database did not answer. Nothing was changed. Try again in a
            moment.
            {digest && (
              <span className="mt-2 block text-xs">
                Reference: <span className="font-mono">{digest}</span>
              </span>
            )}
          </CardDescription>
        </CardHeader>
        <CardFooter className="flex flex-wrap gap-2">
          <Button onClick={() => retry()}>Try again</Button>
          <Button asChild variant="outline">
            <Link href="/">Back to the dashboard</Link>
          </Button>
        </CardFooter>
      </Card>
    </main>
  );
}
