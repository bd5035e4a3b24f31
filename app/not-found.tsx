import { KeyRound } from 'lucide-react';
import type { Metadata } from 'next';
import Link from 'next/link';
import { NotFoundCard } from '@/components/not-found-card';

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
      <NotFoundCard testId="page-not-found" title="Page not found">
        There is no page at this address. The link may be mistyped or out of date.
      </NotFoundCard>
    </>
  );
}
