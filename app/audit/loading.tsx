import { Skeleton } from '@/components/ui/skeleton';

/** Shown while the log loads: the page's shape, so nothing jumps when it arrives. */
export default function AuditLoading() {
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-6 px-4 py-6 sm:px-6" aria-busy="true" data-testid="audit-loading">
      <p className="sr-only" role="status">
        Loading the audit log…
      </p>
      <div className="flex flex-col gap-2">
        <Skeleton className="h-8 w-40" />
        <Skeleton className="h-4 w-full max-w-lg" />
      </div>
      <Skeleton className="h-24 w-full rounded-xl" />
      <div className="flex flex-col gap-2 rounded-xl border p-3">
        {Array.from({ length: 8 }, (_, i) => (
          <Skeleton key={i} className="h-10 w-full" />
        ))}
      </div>
    </main>
  );
}
