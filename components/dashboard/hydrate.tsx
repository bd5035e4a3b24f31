import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';

export interface HydratedQuery {
  key: readonly unknown[];
  data: unknown;
  /** When the server read it (ms); newer data replaces what a client already holds. */
  updatedAt: number;
}

/** Hands data the server just read to the client's query cache, so polling starts from it. */
export function Hydrate({ queries, children }: { queries: HydratedQuery[]; children: React.ReactNode }) {
  const client = new QueryClient();
  for (const q of queries) client.setQueryData(q.key, q.data, { updatedAt: q.updatedAt });
  return <HydrationBoundary state={dehydrate(client)}>{children}</HydrationBoundary>;
}
