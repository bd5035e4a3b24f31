import { Badge } from '@/components/ui/badge';
import type { AuditOutcome } from '@/lib/db/audit';

const VARIANTS: Record<AuditOutcome, 'success' | 'destructive' | 'warning' | 'secondary'> = {
  success: 'success',
  failure: 'destructive',
  denied: 'warning',
  info: 'secondary',
};

export function OutcomeBadge({ outcome }: { outcome: AuditOutcome }) {
  return (
    <Badge variant={VARIANTS[outcome] ?? 'secondary'} data-testid="audit-outcome" data-outcome={outcome}>
      {outcome}
    </Badge>
  );
}
