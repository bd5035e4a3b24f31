'use client';

import { TriangleAlert } from 'lucide-react';
import Link from 'next/link';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';
import { DATABASE_UNAVAILABLE_DIGEST } from '@/lib/error-digest';

/** A page that failed as a whole: say so, offer Try again, and keep a way home. */
export function RouteError({ what, error, retry }: { what: string; error: unknown; retry: () => void }) {
  const digest = error instanceof Error && 'digest' in error ? String(error.digest) : null;
  const databaseDown = digest === DATABASE_UNAVAILABLE_DIGEST;
  return (
    <main className="mx-auto flex min-h-[60dvh] max-w-lg items-center px-4">
      <Card className="w-full" role="alert" data-testid="route-error">
        <CardHeader>
          <CardTitle className="flex items-center gap-2">
            <TriangleAlert className="size-5 text-destructive" aria-hidden="true" />
            <h1>{what} could not be loaded</h1>
          </CardTitle>
          <CardDescription>
            {databaseDown
              ? 'The database is unavailable right now. Nothing was lost; try again in a few seconds. Refreshing resumes by itself once it is back.'
              : 'Your grants are unaffected: refreshing runs on the server whether or not this page shows.'}
          </CardDescription>
        </CardHeader>
        {digest && !databaseDown && (
          <CardContent className="text-sm text-muted-foreground">
            The server log has the details under reference <code className="font-mono">{digest}</code>.
          </CardContent>
        )}
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
