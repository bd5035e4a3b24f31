import { KeyRound, SearchX } from 'lucide-react';
import type { Metadata } from 'next';
import Link from 'next/link';
import { Button } from '@/components/ui/button';
import { Card, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';

export const metadata: Metadata = { title: 'Page not found · Grantkeeper' };

/** Every unknown page (unknown /api paths answer JSON instead: app/api/[...path]/route.ts). */
export default function NotFound() {
  return (
    <>
      <header className="border-b bg-card">
        <div className="mx-auto flex max-w-6xl items-center px-4 py-2.5 sm:px-6">
          <Link href="/" className="flex items-center gap-2 rounded-md font-semibold text-foreground">
            <KeyRound className="size-5 text-primary" aria-hidden="true" />
            Grantkeeper
          </Link>
        </div>
      </header>
      <main className="mx-auto flex min-h-[60dvh] max-w-lg items-center px-4">
        <Card className="w-full" data-testid="page-not-found">
          <CardHeader>
            <CardTitle className="flex items-center gap-2">
              <SearchX className="size-5 text-muted-foreground" aria-hidden="true" />
              <h1>Page not found</h1>
            </CardTitle>
            <CardDescription>There is no page at this address. The link may be mistyped or out of date.</CardDescription>
          </CardHeader>
          <CardFooter>
            <Button asChild>
              <Link href="/">Back to the dashboard</Link>
            </Button>
          </CardFooter>
        </Card>
      </main>
    </>
  );
}
