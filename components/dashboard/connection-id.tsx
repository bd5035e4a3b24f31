import Link from 'next/link';
import { CopyButton } from '@/components/settings/copy-button';
import { CurlLine } from '@/components/settings/curl-line';

/** The id the token API needs, to copy, and the request that uses it, ready to paste. */
export function ConnectionId({ id, label, origin }: { id: string; label: string; origin: string }) {
  return (
    <section aria-labelledby="use-heading" className="flex min-w-0 flex-col gap-3" data-testid="connection-use">
      <h2 id="use-heading" className="text-lg font-semibold">
        Use it from your code
      </h2>
      <div className="flex flex-col gap-4 rounded-xl border bg-card p-4 text-sm">
        <div className="flex flex-wrap items-center gap-2">
          <span className="text-muted-foreground">Connection id</span>
          <code className="font-mono break-all text-foreground" data-testid="connection-id">
            {id}
          </code>
          <CopyButton value={id} label="Copy id" size="sm" aria-label={`Copy id of ${label}`} data-testid="copy-connection-id" />
        </div>
        <p className="text-muted-foreground">
          A sync job asks for a fresh access token with this id and an API key (create one under{' '}
          <Link href="/settings" className="text-primary underline underline-offset-4">
            Settings
          </Link>
          ):
        </p>
        <CurlLine origin={origin} connections={[{ id, label }]} choose={false} />
      </div>
    </section>
  );
}
