import { Skeleton } from '@/components/ui/skeleton';
import { InsightsSkeleton } from '@/components/insights/insights-states';

/** Shown while the page's accounts load: the page's shape, so nothing jumps when it arrives. */
export default function InsightsLoading() {
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-6 px-4 py-6 sm:px-6" aria-busy="true" data-testid="insights-page-loading">
      <div className="flex flex-col gap-2">
        <Skeleton className="h-8 w-40" />
        <Skeleton className="h-4 w-full max-w-lg" />
      </div>
      <Skeleton className="h-40 w-full rounded-xl" />
      <InsightsSkeleton />
    </main>
  );
}
