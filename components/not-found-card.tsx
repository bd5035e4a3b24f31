import { SearchX } from 'lucide-react';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Button } from '@/components/ui/button';
import { Card, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';

/** The branded "nothing here" card of the 404 pages, with the way back to the dashboard. */
export function NotFoundCard({ testId, title, children }: { testId: string; title: string; children: ReactNode }) {
  return (
    <main className="mx-auto flex min-h-[60dvh] max-w-lg items-center px-4">
      <Card className="w-full" data-testid={testId}>
        <CardHeader>
          <CardTitle className="flex items-center gap-2">
            <SearchX className="size-5 text-muted-foreground" aria-hidden="true" />
            <h1>{title}</h1>
          </CardTitle>
          <CardDescription>{children}</CardDescription>
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
