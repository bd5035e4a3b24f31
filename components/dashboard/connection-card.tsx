import { formatDistanceToNowStrict } from 'date-fns';
import { RotateCcw } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Card, CardAction, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';
import type { ConnectionStatusView } from '@/lib/connections/status';
import { AccountDetails } from './account-details';
import { DisconnectButton } from './disconnect-button';
import { PROVIDER_COPY } from './provider-copy';
import { StatusBadge } from './status-badge';

function relative(iso: string | null, now: Date): string | null {
  if (!iso) return null;
  const date = new Date(iso);
  const words = formatDistanceToNowStrict(date);
  return date.getTime() >= now.getTime() ? `in ${words}` : `${words} ago`;
}

export function ConnectionCard({ connection, now }: { connection: ConnectionStatusView; now: Date }) {
  const copy = PROVIDER_COPY[connection.provider as keyof typeof PROVIDER_COPY] ?? PROVIDER_COPY.oidc;
  const name = connection.account.name ?? connection.account.id;
  const revoked = connection.status === 'revoked';
  const reconnectQuery = new URLSearchParams({ connection: connection.id });
  const region = connection.metadata.region;
  if (typeof region === 'string') reconnectQuery.set('region', region);

  return (
    <Card className="gap-4 py-4" data-testid="connection" data-provider={connection.provider} data-connection-id={connection.id}>
      <CardHeader className="px-4">
        <CardTitle data-testid="connection-name">{name}</CardTitle>
        <CardDescription>
          {copy.name}
          {connection.metadata.simulated === true && ' · simulated'}
        </CardDescription>
        <CardAction>
          <StatusBadge health={connection.health} />
        </CardAction>
      </CardHeader>
      <CardContent className="flex flex-col gap-3 px-4 text-sm">
        {connection.lastError && !revoked && (
          <p className="text-destructive" data-testid="last-error">
            Last error: {connection.lastError.message ?? connection.lastError.code}
          </p>
        )}
        <AccountDetails provider={connection.provider} metadata={connection.metadata} />
        {!revoked && (
          <dl className="grid grid-cols-2 gap-2 text-sm">
            <div>
              <dt className="text-muted-foreground">Access token expires</dt>
              <dd data-testid="expires-at" data-expires-at={connection.expiresAt}>
                {relative(connection.expiresAt, now)}
              </dd>
            </div>
            <div>
              <dt className="text-muted-foreground">Last refreshed</dt>
              <dd>{relative(connection.lastRefreshedAt, now) ?? 'never'}</dd>
            </div>
          </dl>
        )}
        {connection.scopes.length > 0 && (
          <p className="text-xs text-muted-foreground">
            Scopes: <span className="font-mono">{connection.scopes.join(' ')}</span>
          </p>
        )}
      </CardContent>
      {!revoked && (
        <CardFooter className="flex flex-wrap gap-2 px-4">
          {(connection.status === 'needs_reauth' || connection.status === 'error') && (
            <Button asChild size="sm" data-testid="reconnect">
              <a href={`/api/v1/oauth/${connection.provider}/authorize?${reconnectQuery}`}>
                <RotateCcw aria-hidden="true" /> Reconnect
              </a>
            </Button>
          )}
          <DisconnectButton connectionId={connection.id} accountName={name} providerName={copy.name} atProvider={copy.disconnect} />
        </CardFooter>
      )}
    </Card>
  );
}
