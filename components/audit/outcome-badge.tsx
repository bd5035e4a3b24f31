import { outcomeVariant } from '@/components/dashboard/event-copy';
import { Badge } from '@/components/ui/badge';
import type { AuditOutcome } from '@/lib/db/audit';

/** Same colours as the connection page's events. */
export function OutcomeBadge({ outcome }: { outcome: AuditOutcome }) {
  return (
    <Badge variant={outcomeVariant(outcome)} data-testid="audit-outcome" data-outcome={outcome}>
      {outcome}
    </Badge>
  );
}
