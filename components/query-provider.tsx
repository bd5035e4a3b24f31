'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';

/**
 * One React Query client per browser tab. Pages hand it server-rendered data (HydrationBoundary),
 * so nothing is fetched again on arrival; the dashboard then polls what can change by itself.
 */
export function QueryProvider({ children }: { children: React.ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            // Server-rendered data is fresh on arrival; without this the first render refetches it.
            staleTime: 10_000,
            retry: 1,
          },
        },
      }),
  );
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
