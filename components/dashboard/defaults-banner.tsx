import { Info, TriangleAlert } from 'lucide-react';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import type { ActiveDefault } from '@/lib/modes';

/**
 * Says which embedded defaults are running and how to switch each one to production, and, above
 * all, when local mode has been opened to the network.
 */
export function DefaultsBanner({ defaults, exposure }: { defaults: ActiveDefault[]; exposure?: string | null }) {
  return (
    <>
      {exposure ? (
        <Alert variant="destructive" data-testid="exposure-warning">
          <TriangleAlert aria-hidden="true" />
          <AlertTitle>Reachable from the network without sign-in</AlertTitle>
          <AlertDescription>
            <p>{exposure}</p>
          </AlertDescription>
        </Alert>
      ) : null}
      {defaults.length > 0 ? <ActiveDefaults defaults={defaults} /> : null}
    </>
  );
}

function ActiveDefaults({ defaults }: { defaults: ActiveDefault[] }) {
  return (
    <Alert variant="info" role="region" aria-label="Active defaults" data-testid="defaults-banner">
      <Info aria-hidden="true" />
      <AlertTitle>Running on the embedded defaults</AlertTitle>
      <AlertDescription>
        <p>Everything works offline. Switch each piece to production when you are ready:</p>
        <ul className="mt-2 grid gap-2 sm:grid-cols-2">
          {defaults.map((d) => (
            <li key={d.id} data-default={d.id} className="rounded-md border border-primary/20 bg-background/60 p-3">
              <p className="font-medium text-foreground">{d.title}</p>
              <p className="text-muted-foreground">{d.now}</p>
              <p className="mt-1 text-foreground">{d.toProduction}</p>
            </li>
          ))}
        </ul>
      </AlertDescription>
    </Alert>
  );
}
