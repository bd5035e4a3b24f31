import { redactTokenLike } from '@/components/audit/redact';
import { RelativeTime } from '@/components/dashboard/time';
import { Badge } from '@/components/ui/badge';
import type { WebhookDelivery } from '@/lib/notifications/types';

const STATUS: Record<WebhookDelivery['status'], { label: string; variant: 'success' | 'destructive' | 'secondary' }> = {
  delivered: { label: 'delivered', variant: 'success' },
  failed: { label: 'failed', variant: 'destructive' },
  pending: { label: 'retrying', variant: 'secondary' },
};

/** Recent webhook deliveries: what was sent, how the receiver answered, when. No payloads, no secrets. */
export function DeliveryList({ deliveries, hasEndpoint }: { deliveries: WebhookDelivery[]; hasEndpoint: boolean }) {
  if (deliveries.length === 0) {
    return (
      <p className="rounded-lg border border-dashed p-4 text-sm text-muted-foreground" data-testid="deliveries-empty">
        {hasEndpoint
          ? 'Nothing sent yet. Send a test event to check that your endpoint verifies signatures.'
          : 'Nothing sent yet. Save an endpoint URL to receive events.'}
      </p>
    );
  }
  return (
    <ul className="divide-y rounded-lg border" aria-label="Recent deliveries" data-testid="delivery-list">
      {deliveries.map((d) => {
        const status = STATUS[d.status] ?? STATUS.pending;
        const at = d.deliveredAt ?? d.createdAt;
        return (
          <li
            key={d.id}
            className="flex flex-col gap-1.5 p-3 text-sm sm:flex-row sm:items-center sm:justify-between"
            data-testid="delivery-row"
            data-delivery-id={d.id}
            data-status={d.status}
          >
            <div className="flex min-w-0 flex-wrap items-center gap-2">
              <span className="font-mono" data-testid="delivery-type">
                {d.type}
              </span>
              <Badge variant={status.variant}>{status.label}</Badge>
            </div>
            <dl className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-muted-foreground">
              <div className="flex gap-1">
                <dt>Attempts</dt>
                <dd className="text-foreground" data-testid="delivery-attempts">
                  {d.attempts}
                </dd>
              </div>
              <div className="flex gap-1">
                <dt>Last status</dt>
                <dd className="font-mono text-foreground" data-testid="delivery-status-code">
                  {d.lastStatusCode ?? '—'}
                </dd>
              </div>
              <div className="flex gap-1">
                <dt>{d.deliveredAt ? 'Delivered' : 'Queued'}</dt>
                <dd>
                  <RelativeTime iso={at.toISOString()} />
                </dd>
              </div>
              {d.nextAttemptAt && (
                <div className="flex gap-1">
                  <dt>Next try</dt>
                  <dd>
                    <RelativeTime iso={d.nextAttemptAt.toISOString()} />
                  </dd>
                </div>
              )}
            </dl>
            {d.lastError && d.status !== 'delivered' && (
              <p className="w-full text-xs break-all text-destructive sm:order-last">{redactTokenLike(d.lastError)}</p>
            )}
          </li>
        );
      })}
    </ul>
  );
}
