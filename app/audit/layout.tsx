import { SignedInHeader } from '@/components/settings/signed-in-header';
import { withRequestContext } from '@/lib/http/render-context';

/** The header stays while the page loads or fails (loading.tsx and error.tsx sit below it). */
export default withRequestContext(function AuditLayout({ children }: { children: React.ReactNode }) {
  return (
    <>
      <SignedInHeader />
      {children}
    </>
  );
});
