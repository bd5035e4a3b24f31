'use client';

import { Check, Copy } from 'lucide-react';
import { useEffect, useState } from 'react';
import { Button } from '@/components/ui/button';

/**
 * Copies `value` with the async clipboard API. Where that is refused (an insecure origin, a denied
 * permission), it says so and selects `fallbackSelect`'s text for a manual copy instead.
 */
export function CopyButton({
  value,
  label = 'Copy',
  fallbackSelect,
  ...props
}: {
  value: string;
  label?: string;
  fallbackSelect?: () => void;
} & Omit<React.ComponentProps<typeof Button>, 'onClick' | 'value'>) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2500);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      fallbackSelect?.();
      setState('failed');
    }
  };

  return (
    <>
      <Button type="button" variant="outline" onClick={copy} {...props}>
        {state === 'copied' ? <Check aria-hidden="true" /> : <Copy aria-hidden="true" />}
        {state === 'copied' ? 'Copied' : label}
      </Button>
      <span className="sr-only" role="status" aria-live="polite">
        {state === 'copied' ? 'Copied to the clipboard.' : state === 'failed' ? 'Copying was refused: the text is selected, press Ctrl+C or ⌘C.' : ''}
      </span>
    </>
  );
}
