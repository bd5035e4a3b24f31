import { KeyRound } from 'lucide-react';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';

export interface SignedInAs {
  id: string;
  label: string;
  mode: 'local' | 'clerk';
}

export function SiteHeader({ user }: { user: SignedInAs }) {
  return (
    <header className="border-b bg-card">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3 px-4 py-3 sm:px-6">
        <Link href="/" className="flex items-center gap-2 rounded-md font-semibold text-foreground">
          <KeyRound className="size-5 text-primary" aria-hidden="true" />
          Grantkeeper
        </Link>
        <div className="flex items-center gap-2 text-sm" data-testid="signed-in-as">
          <span className="text-muted-foreground">Signed in as</span>
          <span className="font-medium" data-user-id={user.id}>
            {user.label}
          </span>
          <Badge variant="secondary">{user.mode === 'local' ? 'local sign-in' : 'Clerk'}</Badge>
        </div>
      </div>
    </header>
  );
}
