import { createHash } from 'node:crypto';
import type { SimulatedProvider } from './credentials';

/**
 * Deterministic campaign figures for the reporting endpoints: every number is derived from a hash
 * of (provider, account, campaign, day), so they are stable across restarts and tests can compute
 * the expected totals (the admin API's `expected`). Restatements: while `generation` > 0, the last
 * `restateDays` days (up to the simulator's today) grow with each generation, as providers'
 * recent figures do between pulls.
 */

export interface SimCampaign {
  id: string;
  name: string;
  status: string;
}

/** One campaign-day, in integers (money in cents) so sums stay exact. */
export interface SimDay {
  campaignId: string;
  day: string;
  impressions: number;
  clicks: number;
  spendCents: number;
  conversions: number;
  conversionValueCents: number;
}

export interface Restatement {
  generation: number;
  restateDays: number;
  /** The simulator's today, `YYYY-MM-DD` (UTC). */
  today: string;
}

function hashInts(...parts: string[]): number[] {
  const digest = createHash('sha256').update(parts.join('|')).digest();
  return Array.from({ length: 8 }, (_, i) => digest.readUInt32BE(i * 4));
}

const CAMPAIGN_NAMES = ['Always-on search', 'Seasonal push', 'Retargeting'];

/** Three campaigns per account; ids numeric where the provider's are (all of them here). */
export function campaignsFor(provider: SimulatedProvider, accountId: string): SimCampaign[] {
  return CAMPAIGN_NAMES.map((name, i) => {
    const [a = 0, b = 0] = hashInts(provider, accountId, String(i));
    return { id: String(100_000_000 + ((a * 7 + b) % 899_999_999)), name: `${name} ${i + 1}`, status: i === 2 ? 'PAUSED' : 'ENABLED' };
  });
}

const DAY_MS = 86_400_000;
export const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

export function dayFigures(provider: SimulatedProvider, accountId: string, campaignId: string, day: string, r: Restatement): SimDay {
  const [h1 = 0, h2 = 0, h3 = 0, h4 = 0, h5 = 0] = hashInts(provider, accountId, campaignId, day);
  let impressions = 1_000 + (h1 % 49_000);
  let clicks = Math.floor((impressions * (10 + (h2 % 40))) / 1_000);
  let spendCents = clicks * (20 + (h3 % 180));
  const conversions = Math.floor((clicks * (h4 % 10)) / 100);
  const conversionValueCents = conversions * (1_000 + (h5 % 8_000));
  if (r.generation > 0 && day <= r.today && day > addDays(r.today, -r.restateDays)) {
    impressions += r.generation * 11;
    clicks += r.generation * 3;
    spendCents += r.generation * 125;
  }
  return { campaignId, day, impressions, clicks, spendCents, conversions, conversionValueCents };
}

/** Every campaign-day of an account in [from, to], never past the simulator's today. */
export function accountDays(provider: SimulatedProvider, accountId: string, from: string, to: string, r: Restatement): SimDay[] {
  const end = to < r.today ? to : r.today;
  const days: SimDay[] = [];
  for (let day = from; day <= end; day = addDays(day, 1)) {
    for (const c of campaignsFor(provider, accountId)) days.push(dayFigures(provider, accountId, c.id, day, r));
  }
  return days;
}

export const cents = (n: number) => `${Math.trunc(n / 100)}.${String(Math.abs(n) % 100).padStart(2, '0')}`;

/** X: 0–3 posts per day for the account, each with public_metrics. */
export interface SimPost {
  id: string;
  createdAt: string;
  metrics: { impression_count: number; like_count: number; retweet_count: number; reply_count: number; quote_count: number; bookmark_count: number };
}

export function postsFor(userId: string, from: string, to: string, r: Restatement): SimPost[] {
  const end = to < r.today ? to : r.today;
  const posts: SimPost[] = [];
  for (let day = from; day <= end; day = addDays(day, 1)) {
    const [n = 0] = hashInts('x', userId, day);
    for (let i = 0; i < n % 4; i++) {
      const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0] = hashInts('x', userId, day, String(i));
      const restated = r.generation > 0 && day <= r.today && day > addDays(r.today, -r.restateDays) ? r.generation * 11 : 0;
      posts.push({
        id: String(1_800_000_000_000_000_000n + BigInt(a) * 1_000_000n + BigInt(b % 1_000_000)),
        createdAt: `${day}T${String(g % 24).padStart(2, '0')}:${String(c % 60).padStart(2, '0')}:00.000Z`,
        metrics: {
          impression_count: 100 + (a % 20_000) + restated,
          like_count: b % 300,
          retweet_count: c % 50,
          reply_count: d % 40,
          quote_count: e % 10,
          bookmark_count: f % 25,
        },
      });
    }
  }
  return posts;
}
