import { redirect } from 'next/navigation';
import { ClockProvider } from '@/components/dashboard/clock';
import { PROVIDER_COPY } from '@/components/dashboard/provider-copy';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { ApiKeyList } from '@/components/settings/api-key-list';
import { CreateApiKeyForm } from '@/components/settings/create-api-key-form';
import { CreatedKeyProvider } from '@/components/settings/created-key-context';
import { DeliveryList } from '@/components/settings/delivery-list';
import { TokenApiGuide } from '@/components/settings/token-api-guide';
import { WebhookEndpointForm } from '@/components/settings/webhook-endpoint-form';
import { listApiKeys } from '@/lib/api-keys/keys';
import { getSessionUser } from '@/lib/auth/session';
import { readTokenApiChoices } from '@/lib/connections/token-choices';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { serverOrigin } from '@/lib/http/server-origin';
import { listWebhookDeliveries } from '@/lib/notifications/deliveries';
import { getWebhookEndpoint } from '@/lib/notifications/endpoint';
import { withRequestContext } from '@/lib/http/render-context';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Settings · Grantkeeper' };

const RECENT_DELIVERIES = 20;

export default withRequestContext(async function SettingsPage() {
  const user = await getSessionUser();
  // The layout has redirected already; this narrows the type.
  if (!user) redirect('/signed-out');
  const db = await getDb();
  const [keys, endpoint, deliveries, choices, origin] = await Promise.all([
    listApiKeys(db, user.id),
    getWebhookEndpoint(db, user.id),
    listWebhookDeliveries(db, user.id, RECENT_DELIVERIES),
    readTokenApiChoices(db, user.id),
    serverOrigin(getEnv()),
  ]);
  const renderedAt = new Date().getTime();
  // Live connections only: revoked ones have no token to hand out (needs_reauth answers 409, which the guide explains).
  const tokenConnections = choices.connections.map((c) => ({
    id: c.id,
    label: `${c.account.name ?? c.account.id} · ${PROVIDER_COPY[c.provider as keyof typeof PROVIDER_COPY]?.name ?? c.provider}`,
  }));

  return (
    <ClockProvider renderedAt={renderedAt}>
      <main className="mx-auto flex max-w-6xl flex-col gap-6 px-4 py-6 sm:px-6">
        <h1 className="text-2xl font-semibold tracking-tight">Settings</h1>
        <CreatedKeyProvider>
          <Card data-testid="api-keys-section">
            <CardHeader className="px-4 sm:px-6">
              <CardTitle>
                <h2 id="api-keys-heading">API keys</h2>
              </CardTitle>
              <CardDescription>
                Your sync jobs send a key as <span className="font-mono">Authorization: Bearer gk_…</span> to get fresh access
                tokens. Only a hash is stored: a key is shown once, when it is created.
              </CardDescription>
            </CardHeader>
            <CardContent className="flex flex-col gap-4 px-4 sm:px-6">
              <CreateApiKeyForm />
              <ApiKeyList keys={keys} />
            </CardContent>
          </Card>
          <Card data-testid="token-api-section">
            <CardHeader className="px-4 sm:px-6">
              <CardTitle>
                <h2>How to use the token API</h2>
              </CardTitle>
              <CardDescription>
                What your sync jobs send, what they get back, and what each error means. Every route is in the{' '}
                <a href="/docs/api" className="font-medium text-primary underline underline-offset-4">
                  API reference
                </a>
                .
              </CardDescription>
            </CardHeader>
            <CardContent className="px-4 sm:px-6">
              <TokenApiGuide origin={origin} connections={tokenConnections} more={choices.more} />
            </CardContent>
          </Card>
        </CreatedKeyProvider>
        <Card data-testid="webhook-section">
          <CardHeader className="px-4 sm:px-6">
            <CardTitle>
              <h2>Notification webhook</h2>
            </CardTitle>
            <CardDescription>
              {endpoint ? (
                <>
                  Events go to <span className="font-mono break-all" data-testid="webhook-current-url">{endpoint.url}</span>.
                </>
              ) : (
                'Get told when a grant needs you, instead of finding out from a failed sync.'
              )}
            </CardDescription>
          </CardHeader>
          <CardContent className="flex flex-col gap-4 px-4 sm:px-6">
            <WebhookEndpointForm currentUrl={endpoint?.url ?? null} />
            <section aria-labelledby="deliveries-heading" className="flex flex-col gap-2">
              <h3 id="deliveries-heading" className="text-sm font-medium">
                Recent deliveries
              </h3>
              <DeliveryList deliveries={deliveries} hasEndpoint={endpoint !== null} />
            </section>
          </CardContent>
        </Card>
      </main>
    </ClockProvider>
  );
});
