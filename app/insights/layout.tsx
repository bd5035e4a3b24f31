import { SignedInHeader } from '@/components/settings/signed-in-header';

/** The header stays while the page loads or fails (loading.tsx and error.tsx sit below it). */
export default function InsightsLayout({ children }: { children: React.ReactNode }) {
  return (
    <>
      <SignedInHeader />
      {children}
    </>
  );
}
