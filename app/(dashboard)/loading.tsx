import { ConnectionsSkeleton, HeaderSkeleton, HealthSkeleton } from '@/components/dashboard/skeletons';
import { Skeleton } from '@/components/ui/skeleton';

/** The dashboard's shape while it loads, so nothing jumps when it arrives. */
export default function DashboardLoading() {
  return (
    <>
      <HeaderSkeleton />
      <main className="mx-auto flex max-w-6xl flex-col gap-8 px-4 py-6 sm:px-6" data-testid="dashboard-loading">
        <p className="sr-only" role="status">
          Loading your connections…
        </p>
        <Skeleton className="h-8 w-44" />
        <HealthSkeleton />
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
          {Array.from({ length: 4 }, (_, i) => (
            <Skeleton key={i} className="h-36 rounded-xl" />
          ))}
        </div>
        <ConnectionsSkeleton />
      </main>
    </>
  );
}
