import 'server-only';
import { z } from 'zod';
import type { ChunkResult, FetchContext, SyncFetcher } from '../../insights/fetcher';
import { requestJson, type InsightRequest } from '../../insights/http';
import { addDays } from '../../insights/windows';
import type { DayRange, InsightRow } from '../../insights/types';

/**
 * X organic post metrics (providers.md §3 "Analytics", insights.md): the REST Ads API needs
 * OAuth 1.0a, which these grants are not, so Grantkeeper reads the account's own posts through
 * API v2 (`tweet.read`) with `public_metrics` and rolls them up per UTC day of posting as one
 * "campaign", `organic`. There is no spend, no currency and no clicks: those stay null.
 */

export const X_ORGANIC_CAMPAIGN_ID = 'organic';
const MAX_PAGES = 32; // 100 per page, the most recent 3,200 posts [X docs]

export function buildUserPostsRequest(userId: string, chunk: DayRange, now: Date, accessToken: string, paginationToken?: string): InsightRequest {
  const end = new Date(Math.min(Date.parse(`${addDays(chunk.to, 1)}T00:00:00Z`), now.getTime() - 30_000));
  const params = new URLSearchParams({
    max_results: '100',
    'tweet.fields': 'created_at,public_metrics',
    start_time: `${chunk.from}T00:00:00Z`,
    end_time: end.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(paginationToken ? { pagination_token: paginationToken } : {}),
  });
  return {
    method: 'GET',
    url: `https://api.x.com/2/users/${encodeURIComponent(userId)}/tweets?${params.toString()}`,
    headers: { authorization: `Bearer ${accessToken}` },
  };
}

const count = z.number().int().min(0).optional();
const Post = z.object({
  id: z.string(),
  created_at: z.string(),
  public_metrics: z.object({
    impression_count: count,
    like_count: count,
    retweet_count: count,
    reply_count: count,
    quote_count: count,
    bookmark_count: count,
  }),
});
export const UserPostsPage = z.object({
  data: z.array(Post).optional(),
  meta: z.object({ next_token: z.string().optional(), result_count: z.number().optional() }).optional(),
});

type Post = z.infer<typeof Post>;
const METRICS = ['like_count', 'retweet_count', 'reply_count', 'quote_count', 'bookmark_count'] as const;

/** One row per UTC day that has posts: impressions summed, engagement counts in `raw`. */
export function rollUpPosts(posts: Post[]): InsightRow[] {
  const days = new Map<string, { posts: number; impressions: number } & Record<(typeof METRICS)[number], number>>();
  for (const post of posts) {
    const day = new Date(post.created_at).toISOString().slice(0, 10);
    const acc = days.get(day) ?? { posts: 0, impressions: 0, like_count: 0, retweet_count: 0, reply_count: 0, quote_count: 0, bookmark_count: 0 };
    acc.posts += 1;
    acc.impressions += post.public_metrics.impression_count ?? 0;
    for (const m of METRICS) acc[m] += post.public_metrics[m] ?? 0;
    days.set(day, acc);
  }
  return [...days.entries()].map(([day, acc]) => ({
    campaignId: X_ORGANIC_CAMPAIGN_ID,
    campaignName: 'Organic posts',
    day,
    impressions: acc.impressions,
    clicks: null,
    spend: null,
    conversions: null,
    conversionValue: null,
    currency: null,
    raw: { ...acc, source: 'x_public_metrics' },
  }));
}

export const xInsights: SyncFetcher = {
  kind: 'sync',
  async fetchChunk(ctx: FetchContext, chunk: DayRange): Promise<ChunkResult> {
    const posts: Post[] = [];
    let token: string | undefined;
    let requests = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const request = buildUserPostsRequest(ctx.target.accountId, chunk, ctx.now, ctx.accessToken, token);
      const { body } = await requestJson(ctx.provider, request, UserPostsPage);
      requests++;
      posts.push(...(body.data ?? []));
      token = body.meta?.next_token;
      if (!token) break;
    }
    return { rows: rollUpPosts(posts), requests };
  },
};
