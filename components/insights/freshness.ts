import { platformName } from './insights-format';
import { addDays, type Platform } from './insights-query';

/**
 * Which recent days may still change. Every sync re-reads each provider's restatement window
 * (`INSIGHTS_LOOKBACK_DAYS_<PROVIDER>`), so figures inside it can still move; the note names the
 * longest window among the platforms shown, and only when the range reaches into it.
 */
export interface Freshness {
  days: number;
  /** Per platform, longest first, when more than one is shown: "Meta 28, LinkedIn 7". */
  detail: string | null;
}

export function freshnessOf(
  platforms: readonly Platform[],
  lookbackDays: Readonly<Record<Platform, number>>,
  range: { to: string },
  today: string,
): Freshness | null {
  const windows = platforms.map((p) => ({ p, days: lookbackDays[p] })).filter((w) => w.days > 0);
  if (windows.length === 0) return null;
  windows.sort((a, b) => b.days - a.days || a.p.localeCompare(b.p));
  const days = windows[0]!.days;
  if (range.to < addDays(today, -(days - 1))) return null;
  return { days, detail: windows.length > 1 ? windows.map((w) => `${platformName(w.p)} ${w.days}`).join(', ') : null };
}
