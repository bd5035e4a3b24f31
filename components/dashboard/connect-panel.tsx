import { Plug } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';
import type { ProviderStatus } from '@/lib/providers/registry';
import { AMAZON_REGION_PICKER, PROVIDER_COPY, REGION_NAMES } from './provider-copy';

/** One card per provider: connect it, or see what to configure. */
export function ConnectPanel({ providers }: { providers: ProviderStatus[] }) {
  const shown = providers.filter((p) => p.slug !== 'oidc' || p.status !== 'not_configured');
  return (
    <section id="connect" aria-labelledby="connect-heading" className="flex scroll-mt-4 flex-col gap-3" data-testid="connect-panel">
      <h2 id="connect-heading" className="text-lg font-semibold">
        Connect an account
      </h2>
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        {shown.map((p) => (
          <Card key={p.slug} className="gap-3 py-4" data-testid={`connect-${p.slug}`}>
            <CardHeader className="px-4">
              <CardTitle className="flex items-center justify-between gap-2">
                <span>{p.slug === 'oidc' ? p.name : PROVIDER_COPY[p.slug].name}</span>
                {p.status === 'simulated' && <Badge variant="secondary">simulator</Badge>}
                {p.status === 'not_configured' && <Badge variant="outline">not configured</Badge>}
              </CardTitle>
              <CardDescription>{PROVIDER_COPY[p.slug].what}</CardDescription>
            </CardHeader>
            <CardFooter className="mt-auto px-4">
              {p.status === 'not_configured' ? (
                <p className="text-sm text-muted-foreground">
                  Set <code className="font-mono text-foreground">{p.envVars.join(', ')}</code> to connect.
                </p>
              ) : p.slug === 'amazon-ads' ? (
                <form action={`/api/v1/oauth/${p.slug}/authorize`} method="get" className="flex w-full flex-wrap items-end gap-2">
                  <label className="flex w-full min-w-0 flex-col gap-1 text-sm">
                    <span className="text-muted-foreground">{AMAZON_REGION_PICKER.label}</span>
                    <span className="text-xs text-muted-foreground" data-testid="amazon-region-hint">
                      {AMAZON_REGION_PICKER.hint}
                    </span>
                    <select
                      name="region"
                      defaultValue="na"
                      className="h-9 w-full min-w-0 rounded-md border border-input bg-background px-2 text-sm"
                      data-testid="amazon-region"
                    >
                      {(Object.keys(REGION_NAMES) as (keyof typeof REGION_NAMES)[]).map((value) => (
                        <option key={value} value={value}>
                          {AMAZON_REGION_PICKER.option(value)}
                        </option>
                      ))}
                    </select>
                  </label>
                  <Button type="submit" size="sm">
                    <Plug aria-hidden="true" /> Connect
                  </Button>
                </form>
              ) : (
                <Button asChild size="sm">
                  <a href={`/api/v1/oauth/${p.slug}/authorize`}>
                    <Plug aria-hidden="true" /> Connect
                  </a>
                </Button>
              )}
            </CardFooter>
          </Card>
        ))}
      </div>
    </section>
  );
}
