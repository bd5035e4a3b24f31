import { z } from 'zod';
import { SIMULATED_PROVIDERS, type SimulatedProvider } from './credentials';
import { json } from './http';
import { AMAZON_PERSONAS, LINKEDIN_PERSONAS, META_PERSONAS } from './personas';
import { accountDays, cents, postsFor } from './reporting-data';
import { patchReportingKnobs, reportingOf, resetReporting, restatementOf } from './reporting-state';
import type { SimulatorState } from './state';

/**
 * Test-only admin API for the reporting endpoints, under `/api/simulator/_admin/reporting/`:
 * `GET state`, `POST knobs`, `POST reset`, and `GET expected?provider&account&from&to` — the rows
 * and per-currency totals a correct sync stores, normalised the way Grantkeeper stores them.
 */

export interface ExpectedRow {
  campaignId: string;
  day: string;
  impressions: number;
  clicks: number | null;
  spend: string | null;
  conversions: number | null;
  conversionValue: string | null;
  currency: string | null;
}

/** X reports organic figures, without a currency: expectedRows answers it before asking. */
function currencyOf(provider: Exclude<SimulatedProvider, 'x'>, account: string): string {
  switch (provider) {
    case 'amazon-ads':
      return AMAZON_PERSONAS.flatMap((p) => p.profiles).find((f) => String(f.profileId) === account)?.currencyCode ?? 'USD';
    case 'linkedin':
      return LINKEDIN_PERSONAS.flatMap((p) => p.adAccounts).find((a) => String(a.id) === account)?.currency ?? 'USD';
    case 'meta':
      return META_PERSONAS.flatMap((p) => p.adAccounts).find((a) => `act_${a.accountId}` === account)?.currency ?? 'USD';
  }
}

export function expectedRows(state: SimulatorState, provider: SimulatedProvider, account: string, from: string, to: string): ExpectedRow[] {
  const restatement = restatementOf(state);
  if (provider === 'x') {
    const byDay = new Map<string, number>();
    const now = state.now();
    for (const post of postsFor(account, from, to, restatement)) {
      if (Date.parse(post.createdAt) >= now) continue;
      const day = post.createdAt.slice(0, 10);
      byDay.set(day, (byDay.get(day) ?? 0) + post.metrics.impression_count);
    }
    return [...byDay.entries()].map(([day, impressions]) => ({
      campaignId: 'organic', day, impressions, clicks: null, spend: null, conversions: null, conversionValue: null, currency: null,
    }));
  }
  const currency = currencyOf(provider, account);
  return accountDays(provider, account, from, to, restatement).map((d) => ({
    campaignId: d.campaignId,
    day: d.day,
    impressions: d.impressions,
    clicks: d.clicks,
    spend: cents(d.spendCents),
    // Meta reports no purchase action on a day without one; the others report 0.
    conversions: provider === 'meta' && d.conversions === 0 ? null : d.conversions,
    conversionValue: provider === 'meta' && d.conversions === 0 ? null : cents(d.conversionValueCents),
    currency,
  }));
}

/** Totals per currency, summed in integers (cents), so they are exact. */
export function expectedTotals(rows: ExpectedRow[]) {
  const toCents = (v: string | null) => (v === null ? 0 : Math.round(Number(v) * 100));
  const totals = new Map<string | null, { impressions: number; clicks: number; spendCents: number; conversions: number; valueCents: number }>();
  for (const r of rows) {
    const t = totals.get(r.currency) ?? { impressions: 0, clicks: 0, spendCents: 0, conversions: 0, valueCents: 0 };
    t.impressions += r.impressions;
    t.clicks += r.clicks ?? 0;
    t.spendCents += toCents(r.spend);
    t.conversions += r.conversions ?? 0;
    t.valueCents += toCents(r.conversionValue);
    totals.set(r.currency, t);
  }
  return [...totals.entries()].map(([currency, t]) => ({
    currency,
    impressions: t.impressions,
    clicks: t.clicks,
    spend: cents(t.spendCents),
    conversions: t.conversions,
    conversionValue: cents(t.valueCents),
  }));
}

const expectedQuery = z.object({
  provider: z.enum(SIMULATED_PROVIDERS),
  account: z.string().min(1),
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});

export async function handleReportingAdmin(state: SimulatorState, request: Request, action: string): Promise<Response> {
  switch (`${request.method.toUpperCase()} ${action}`) {
    case 'GET state': {
      const r = reportingOf(state);
      return json({ knobs: r.knobs, calls: r.calls, reports: [...r.reports.values()].map(({ requestKey: _key, ...rest }) => rest) });
    }
    case 'POST knobs': {
      try {
        const text = await request.text();
        return json({ knobs: patchReportingKnobs(state, text.trim() ? JSON.parse(text) : {}) });
      } catch (err) {
        return json({ error: 'invalid_request', message: 'Invalid reporting knobs', issues: err instanceof z.ZodError ? err.issues : [] }, 400);
      }
    }
    case 'POST reset':
      resetReporting(state);
      return json({ ok: true });
    case 'GET expected': {
      const parsed = expectedQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
      if (!parsed.success) return json({ error: 'invalid_request', issues: parsed.error.issues }, 400);
      const { provider, account, from, to } = parsed.data;
      const rows = expectedRows(state, provider, account, from, to);
      return json({ rows, totals: expectedTotals(rows) });
    }
    default:
      return json({ error: 'not_found', message: `Unknown reporting admin endpoint ${action}` }, 404);
  }
}
