import { Badge } from '@/components/ui/badge';
import type { ConnectionHealth } from '@/lib/connections/health';

const LABELS: Record<ConnectionHealth, { label: string; variant: 'success' | 'warning' | 'destructive' | 'secondary' | 'outline' }> = {
  active: { label: 'Active', variant: 'success' },
  expiring_soon: { label: 'Expiring soon', variant: 'warning' },
  refreshing: { label: 'Refreshing', variant: 'secondary' },
  needs_reauth: { label: 'Needs reconnect', variant: 'destructive' },
  error: { label: 'Error', variant: 'destructive' },
  revoked: { label: 'Revoked', variant: 'outline' },
};

export function StatusBadge({ health }: { health: ConnectionHealth }) {
  const { label, variant } = LABELS[health];
  return (
    <Badge variant={variant} data-testid="status-badge" data-health={health}>
      {label}
    </Badge>
  );
}
