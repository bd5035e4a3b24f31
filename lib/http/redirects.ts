import { NextResponse } from 'next/server';
import type { OutcomeCode } from '../connections/outcomes';

/** Back to a page of ours with the outcome for the UI to show (never provider text). */
export function redirectWithOutcome(
  origin: string,
  path: string,
  outcome: OutcomeCode,
  extra: Record<string, string> = {},
): NextResponse {
  const url = new URL(path, origin);
  url.searchParams.set('outcome', outcome);
  for (const [k, v] of Object.entries(extra)) url.searchParams.set(k, v);
  return NextResponse.redirect(url, { status: 303, headers: { 'cache-control': 'no-store' } });
}
