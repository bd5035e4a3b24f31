import { ChevronRight, Info, TriangleAlert } from 'lucide-react';
import { cookies } from 'next/headers';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import type { ActiveDefault } from '@/lib/modes';
import { bannerOpenFromCookie, DEFAULTS_BANNER_COOKIE } from './defaults-banner-state';
import { DefaultsDisclosure } from './defaults-disclosure';

/**
 * Says which embedded defaults are running (one line, the how-to-switch details one click away,
 * left open or closed as the operator last left it) and, always in full, when local mode has been
 * opened to the network.
 */
export async function DefaultsBanner({ defaults, exposure }: { defaults: ActiveDefault[]; exposure?: string | null }) {
  const open = bannerOpenFromCookie((await cookies()).get(DEFAULTS_BANNER_COOKIE)?.value);
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
      {defaults.length > 0 ? <ActiveDefaults defaults={defaults} open={open} /> : null}
    </>
  );
}

function ActiveDefaults({ defaults, open }: { defaults: ActiveDefault[]; open: boolean }) {
  const names = defaults.map((d) => d.short).join(', ');
  return (
    <section
      aria-label="Active defaults"
      data-testid="defaults-banner"
      className="rounded-lg border border-primary/30 bg-info text-sm text-info-foreground"
    >
      <DefaultsDisclosure
        initialOpen={open}
        summary={
          <summary
            data-testid="defaults-summary"
            className="flex cursor-pointer list-none items-center gap-2 rounded-lg px-3 py-2 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring [&::-webkit-details-marker]:hidden"
          >
            <Info className="size-4 shrink-0" aria-hidden="true" />
            <span className="min-w-0 flex-1">
              <span className="font-medium">Running on the embedded defaults:</span> {names}
            </span>
            <span className="flex shrink-0 items-center gap-1 font-medium underline-offset-2 group-open:[&>svg]:rotate-90">
              <span className="hidden sm:inline">How to switch to production</span>
              <span className="sm:hidden">Details</span>
              <ChevronRight className="size-4 transition-transform" aria-hidden="true" />
            </span>
          </summary>
        }
      >
        <div className="px-3 pb-3">
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
        </div>
      </DefaultsDisclosure>
    </section>
  );
}
