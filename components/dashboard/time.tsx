'use client';

import { useNow, useTimeZone } from './clock';
import { formatDateTime, relativeWords } from './time-format';

/** "in 8 seconds" / "12 minutes ago", kept current; the exact time in the tooltip. */
export function RelativeTime({ iso, tickMs = 1000 }: { iso: string; tickMs?: number }) {
  const now = useNow(tickMs);
  const timeZone = useTimeZone();
  return (
    <time dateTime={iso} title={formatDateTime(iso, timeZone)}>
      {relativeWords(iso, now)}
    </time>
  );
}

/** "21 Nov 2026, 10:31:05 CET" in the reader's time zone. */
export function DateTime({ iso }: { iso: string }) {
  const timeZone = useTimeZone();
  return <time dateTime={iso}>{formatDateTime(iso, timeZone)}</time>;
}
