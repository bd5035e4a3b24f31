import { LogOut } from 'lucide-react';
import { Button } from '@/components/ui/button';

/**
 * A plain same-origin form POST to /sign-out (app/sign-out/route.ts): no Clerk browser widget,
 * which would need Clerk's servers, and it works before any script has loaded.
 */
export function SignOutForm() {
  return (
    <form method="post" action="/sign-out">
      <Button type="submit" variant="outline" size="sm" data-testid="sign-out">
        <LogOut aria-hidden="true" /> Sign out
      </Button>
    </form>
  );
}
