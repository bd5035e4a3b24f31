import { ScrollText } from 'lucide-react';
import Link from 'next/link';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';

/** What an empty log means: nothing happened yet, nothing matches, or the page is past the end. */
export function AuditEmpty({ reason, startHref = '/audit' }: { reason: 'none' | 'filtered' | 'past_end'; startHref?: string }) {
  if (reason === 'none') {
    return (
      <Card data-testid="audit-empty">
        <CardHeader>
          <CardTitle className="flex items-center gap-2">
            <ScrollText className="size-5 text-primary" aria-hidden="true" />
            <h2>Nothing recorded yet</h2>
          </CardTitle>
          <CardDescription>Grantkeeper writes an event here, in the same transaction as the change, whenever:</CardDescription>
        </CardHeader>
        <CardContent>
          <ul className="list-disc space-y-1 pl-5 text-sm text-muted-foreground">
            <li>you start connecting an account, and when it is connected, reconnected or disconnected;</li>
            <li>a token is refreshed, a refresh fails, or a grant needs you to reconnect;</li>
            <li>a sync job reads a token with one of your API keys;</li>
            <li>you create or revoke an API key, or change your webhook endpoint;</li>
            <li>a webhook notification is delivered or gives up.</li>
          </ul>
        </CardContent>
        <CardFooter>
          <Button asChild>
            <Link href="/">Connect an account</Link>
          </Button>
        </CardFooter>
      </Card>
    );
  }
  return (
    <Card data-testid="audit-empty">
      <CardHeader>
        <CardTitle>
          <h2>{reason === 'filtered' ? 'No events match these filters' : 'No more events this way'}</h2>
        </CardTitle>
        <CardDescription>
          {reason === 'filtered'
            ? 'Try another search, day range, connection, action or outcome, or clear the filters.'
            : 'This page is past the end of the log.'}
        </CardDescription>
      </CardHeader>
      <CardFooter>
        <Button asChild variant="outline">
          <Link href={reason === 'filtered' ? '/audit' : startHref}>
            {reason === 'filtered' ? 'Clear filters' : 'Go to the newest events'}
          </Link>
        </Button>
      </CardFooter>
    </Card>
  );
}
