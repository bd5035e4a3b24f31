import { SearchX } from 'lucide-react';
import Link from 'next/link';
import { Button } from '@/components/ui/button';
import { Card, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';

/** Unknown ids and other people's connections land here alike: nothing says which it was. */
export default function ConnectionNotFound() {
  return (
    <main className="mx-auto flex min-h-[60dvh] max-w-lg items-center px-4">
      <Card className="w-full" data-testid="connection-not-found">
        <CardHeader>
          <CardTitle className="flex items-center gap-2">
            <SearchX className="size-5 text-muted-foreground" aria-hidden="true" />
            <h1>No such connection</h1>
          </CardTitle>
          <CardDescription>
            There is no connection at this address among yours. The link may be mistyped, or it belongs to another
            account.
          </CardDescription>
        </CardHeader>
        <CardFooter>
          <Button asChild>
            <Link href="/">Back to the dashboard</Link>
          </Button>
        </CardFooter>
      </Card>
    </main>
  );
}
