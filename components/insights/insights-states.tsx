'use client';

import { ChartNoAxesCombined, TriangleAlert } from 'lucide-react';
import Link from 'next/link';
import { Button } from '@/components/ui/button';
import { Card, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';
import { Skeleton } from '@/components/ui/skeleton';

/** The results area while loading, after a failure, and when there is nothing to show. */

export function InsightsSkeleton() {
  return (
    <div className="flex flex-col gap-4" aria-busy="true" data-testid="insights-loading">
      <p className="sr-only" role="status">
        Loading the figures…
      </p>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
        {Array.from({ length: 7 }, (_, i) => (
          <Skeleton key={i} className="h-24 rounded-xl" />
        ))}
      </div>
      <Skeleton className="h-80 w-full rounded-xl" />
      <Skeleton className="h-64 w-full rounded-xl" />
    </div>
  );
}

export function InsightsError({ message, retry, retrying }: { message: string; retry: () => void; retrying: boolean }) {
  return (
    <Card role="alert" data-testid="insights-error">
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <TriangleAlert className="size-5 text-destructive" aria-hidden="true" />
          <h2>The figures could not be loaded</h2>
        </CardTitle>
        <CardDescription>
          {message} Syncing goes on on the server either way: nothing is lost, and the figures will be here once the page can reach it.
        </CardDescription>
      </CardHeader>
      <CardFooter>
        <Button type="button" onClick={retry} disabled={retrying} data-testid="insights-retry">
          {retrying ? 'Trying again…' : 'Try again'}
        </Button>
      </CardFooter>
    </Card>
  );
}

/** No figures in the range: say why it may be, and what to try. */
export function InsightsNoData({ syncing }: { syncing: boolean }) {
  return (
    <Card data-testid="insights-no-data">
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <ChartNoAxesCombined className="size-5 text-primary" aria-hidden="true" />
          <h2>No figures for these days</h2>
        </CardTitle>
        <CardDescription>
          {syncing
            ? 'A sync is still running: figures appear as each account finishes. '
            : 'None of the accounts shown reported anything on these days. '}
          Try a longer range or fewer filters.
        </CardDescription>
      </CardHeader>
    </Card>
  );
}

/** Nothing to sync at all: no connection with an ad account yet. */
export function InsightsNoAccounts({ hasConnections }: { hasConnections: boolean }) {
  return (
    <Card data-testid="insights-empty">
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <ChartNoAxesCombined className="size-5 text-primary" aria-hidden="true" />
          <h2>{hasConnections ? 'No ad accounts synced yet' : 'Connect an account to see its campaigns'}</h2>
        </CardTitle>
        <CardDescription>
          {hasConnections
            ? 'Grantkeeper lists each connection’s ad accounts at its next sweep, within a minute or so, and then reads their daily figures.'
            : 'Once Amazon Ads, LinkedIn, Meta or X is connected, Grantkeeper reads each ad account’s daily campaign figures (the last 30 days first) and keeps them up to date.'}
        </CardDescription>
      </CardHeader>
      <CardFooter>
        <Button asChild>
          <Link href="/">{hasConnections ? 'Back to the dashboard' : 'Connect an account'}</Link>
        </Button>
      </CardFooter>
    </Card>
  );
}
