import { Skeleton } from '@/components/ui/skeleton';

/** Shown while settings load: three cards in the page's shape. */
export default function SettingsLoading() {
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-6 px-4 py-6 sm:px-6" aria-busy="true" data-testid="settings-loading">
      <p className="sr-only" role="status">
        Loading settings…
      </p>
      <Skeleton className="h-8 w-32" />
      {[0, 1, 2].map((i) => (
        <div key={i} className="flex flex-col gap-3 rounded-xl border p-6">
          <Skeleton className="h-5 w-40" />
          <Skeleton className="h-4 w-full max-w-xl" />
          <Skeleton className="h-9 w-full max-w-md" />
          <Skeleton className="h-16 w-full" />
        </div>
      ))}
    </main>
  );
}
