import { KeyRound } from 'lucide-react';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { SignOutForm } from './sign-out-form';
import { SiteNav } from './site-nav';
import { ThemeSwitch } from './theme-switch';

export interface SignedInAs {
  id: string;
  label: string;
  mode: 'local' | 'clerk';
}

/** Every signed-in page's header: home, the four places, who is signed in, and the colour theme. */
export function SiteHeader({ user }: { user: SignedInAs }) {
  return (
    <header className="border-b bg-card">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-2.5 sm:px-6">
        <Link href="/" className="flex items-center gap-2 rounded-md font-semibold text-foreground">
          <KeyRound className="size-5 text-primary" aria-hidden="true" />
          Grantkeeper
        </Link>
        {/* Below the name on a phone, beside it from `sm` up. */}
        <SiteNav className="order-last w-full sm:order-none sm:w-auto" />
        <div className="ml-auto flex min-w-0 items-center gap-2 text-sm" data-testid="signed-in-as">
          <span className="sr-only text-muted-foreground sm:not-sr-only">Signed in as</span>
          <span className="truncate font-medium" data-user-id={user.id}>
            {user.label}
          </span>
          <Badge variant="secondary">{user.mode === 'local' ? 'local sign-in' : 'Clerk'}</Badge>
          {user.mode === 'clerk' ? <SignOutForm /> : null}
        </div>
        <ThemeSwitch />
      </div>
    </header>
  );
}
