'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect } from 'react';
import { toast } from 'sonner';
import { isOutcomeCode, OUTCOMES } from '@/lib/connections/outcomes';

/** Shows the outcome of an OAuth round trip (`?outcome=`) once, then tidies the URL. */
export function OutcomeToast() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const outcome = params.get('outcome');

  useEffect(() => {
    if (!isOutcomeCode(outcome)) return;
    const { tone, message } = OUTCOMES[outcome];
    const show = tone === 'success' ? toast.success : tone === 'error' ? toast.error : toast.info;
    show(message, { id: `outcome-${outcome}` });
    router.replace(pathname, { scroll: false });
  }, [outcome, pathname, router]);

  return null;
}
