'use client';

import { useQueryClient } from '@tanstack/react-query';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect } from 'react';
import { toast } from 'sonner';
import type { ConnectionStatusView } from '@/lib/connections/status';
import { isOutcomeCode, OUTCOMES, outcomeMessage } from '@/lib/connections/outcomes';
import { connectionName } from './connection-copy';
import { PROVIDER_COPY, REGION_NAMES } from './provider-copy';
import { CONNECTIONS_QUERY_KEY } from './queries';

/**
 * Shows the outcome of an OAuth round trip (`?outcome=`) once, then tidies the URL. The account
 * is named from the connections the page already holds (`?connection=` is only an id).
 */
export function OutcomeToast() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const queryClient = useQueryClient();
  const outcome = params.get('outcome');
  const connectionId = params.get('connection');
  const region = params.get('region');

  useEffect(() => {
    if (!isOutcomeCode(outcome)) return;
    const connection = queryClient
      .getQueryData<ConnectionStatusView[]>(CONNECTIONS_QUERY_KEY)
      ?.find((c) => c.id === connectionId);
    const message = outcomeMessage(outcome, {
      account: connection ? connectionName(connection) : null,
      provider: connection ? (PROVIDER_COPY[connection.provider as keyof typeof PROVIDER_COPY]?.name ?? connection.provider) : null,
      region: region ? (REGION_NAMES[region as keyof typeof REGION_NAMES] ?? null) : null,
    });
    const { tone } = OUTCOMES[outcome];
    const show = tone === 'success' ? toast.success : tone === 'error' ? toast.error : toast.info;
    show(message, { id: `outcome-${outcome}` });
    router.replace(pathname, { scroll: false });
  }, [outcome, connectionId, region, pathname, router, queryClient]);

  return null;
}
