'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import { toast } from 'sonner';
import { isOutcomeCode, OUTCOMES, outcomeMessage, type OutcomeCode } from '@/lib/connections/outcomes';
import type { ConnectionStatusView } from '@/lib/connections/status';
import { useCachedConnection } from './cached-connections';
import { connectionName } from './connection-copy';
import { HIGHLIGHT_MS, highlightConnection } from './highlight';
import { PROVIDER_COPY, REGION_NAMES } from './provider-copy';

/** How long to wait for the connection list before the toast goes out without the account's name. */
const NAME_WAIT_MS = 3_000;

/**
 * Shows the outcome of an OAuth round trip (`?outcome=`) once, then tidies the URL. After a
 * connect it names the account and provider from the status the page already holds (never from
 * the URL, which anyone can write), and marks that connection's card. The page the server opened
 * holds that card (`?connection=` picks it): `tidyHref` is that page's own URL, so tidying stays on it.
 */
export function OutcomeToast({ tidyHref }: { tidyHref?: string }) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const outcome = params.get('outcome');
  const connectionId = params.get('connection');
  const named = isOutcomeCode(outcome) && NAMED.has(outcome);
  const regionParam = params.get('region');
  const region = regionParam ? (REGION_NAMES[regionParam as keyof typeof REGION_NAMES] ?? null) : null;
  const cached = useCachedConnection(named ? connectionId : null);
  const [gaveUp, setGaveUp] = useState(false);
  const connection = cached ?? undefined;
  // Wait for the list the page hydrates, when it can name the account; the plain message otherwise.
  const waiting = named && Boolean(connectionId) && cached === undefined && !gaveUp;

  useEffect(() => {
    if (!waiting) return;
    const timer = setTimeout(() => setGaveUp(true), NAME_WAIT_MS);
    return () => clearTimeout(timer);
  }, [waiting]);

  useEffect(() => {
    if (!isOutcomeCode(outcome) || waiting) return;
    showOutcome(outcome, connection, region);
    if (connection) {
      highlightConnection(connection.id);
      setTimeout(() => highlightConnection(null), HIGHLIGHT_MS);
    }
    router.replace(tidyHref ?? pathname, { scroll: false });
    // `connection` is read once, when the outcome can be shown; later polls must not show it again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [outcome, waiting, pathname, router, tidyHref]);

  return null;
}

/** Outcomes that concern one connection, whose account the toast names and whose card it marks. */
const NAMED = new Set<OutcomeCode>(['connected', 'reconnected', 'reconnected_after_revoke', 'region_added']);

function showOutcome(outcome: OutcomeCode, connection: ConnectionStatusView | undefined, region: string | null): void {
  const { tone } = OUTCOMES[outcome];
  const show = tone === 'success' ? toast.success : tone === 'error' ? toast.error : toast.info;
  const provider = connection ? (PROVIDER_COPY[connection.provider as keyof typeof PROVIDER_COPY]?.name ?? connection.provider) : null;
  const message = outcomeMessage(outcome, { account: connection ? connectionName(connection) : null, provider, region });
  if (connection && outcome !== 'region_added') {
    const verb = outcome === 'connected' ? 'Connected' : 'Reconnected';
    show(`${verb} ${connectionName(connection)} (${provider})`, { id: `outcome-${outcome}`, description: message });
    return;
  }
  show(message, { id: `outcome-${outcome}` });
}
