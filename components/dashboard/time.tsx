'use client';

import { useNow, useTimeZone } from './clock';
import { formatDateTime, pastWords, relativeWords } from './time-format';

/**
 * "in 8 seconds" / "12 minutes ago", kept current; the exact time in the tooltip. `past`: a moment
 * known to be over (a status read), never "in a moment" when the ticking clock is a little behind.
 */
export function RelativeTime({ iso, tickMs = 1000, past = false }: { iso: string; tickMs?: number; past?: boolean }) {
  const now = useNow(tickMs);
  const timeZone = useTimeZone();
  return (
    <time dateTime={iso} title={formatDateTime(iso, timeZone)}>
      {past ? pastWords(iso, now) : relativeWords(iso, now)}
    </time>
  );
}

/** "21 Nov 2026, 10:31:05 CET" in the reader's time zone. */
export function DateTime({ iso }: { iso: string }) {
  const timeZone = useTimeZone();
  return <time dateTime={iso}>{formatDateTime(iso, timeZone)}</time>;
}
