'use client';

import { ExternalLink } from 'lucide-react';
import type { ConnectionStatusView } from '@/lib/connections/status';
import { RelativeTime } from './time';

/** Amazon has no revocation API: the grant lives on at Amazon until the user removes it there. */
export const AMAZON_APPS_URL = 'https://www.amazon.com/ap/adam';

/** What disconnecting left behind, and for Amazon the step only the user can take. */
export function RevokedNote({ connection: c }: { connection: ConnectionStatusView }) {
  return (
    <div className="flex flex-col gap-1">
      <p className="text-muted-foreground">
        Disconnected <RelativeTime past iso={c.updatedAt} />. Its tokens were erased; reconnect to use this account again.
      </p>
      {c.provider === 'amazon-ads' && (
        <p data-testid="amazon-manual-removal">
          Amazon keeps the grant until you remove Grantkeeper under{' '}
          <a
            href={AMAZON_APPS_URL}
            target="_blank"
            rel="noopener noreferrer"
            className="inline-flex items-center gap-1 font-medium text-primary underline underline-offset-4"
          >
            Manage your apps at Amazon
            <ExternalLink className="size-3.5" aria-hidden="true" />
            <span className="sr-only">(opens in a new tab)</span>
          </a>
          .
        </p>
      )}
    </div>
  );
}
