import { describe, expect, it } from 'vitest';
import { rollUpPosts, xInsights } from '@/lib/providers/x/insights';
import type { SyncTarget } from '@/lib/insights/types';
import { answer, json, resolveConfigured, setupProviderServer } from '@/tests/support/provider-http';

const { server, requests } = setupProviderServer();
const target: SyncTarget = {
  id: 't', userId: 'u', connectionId: 'c', provider: 'x', accountId: '1468021597370163201', accountName: '@riley', region: null, currency: null, timeZone: 'UTC',
};
const URL_ = 'https://api.x.com/2/users/1468021597370163201/tweets';
const post = (id: string, at: string, impressions: number) => ({
  id,
  created_at: at,
  text: 'hi',
  public_metrics: { impression_count: impressions, like_count: 2, retweet_count: 1, reply_count: 0, quote_count: 0, bookmark_count: 1 },
});

describe('X organic post metrics (providers.md §3 "Analytics")', () => {
  it('reads the user’s posts with public_metrics page by page and rolls them up per UTC day, with no spend or clicks', async () => {
    const pages = [
      json({ data: [post('3', '2026-01-02T23:59:00.000Z', 500), post('2', '2026-01-02T08:00:00.000Z', 250)], meta: { result_count: 2, next_token: 'n1' } }),
      json({ data: [post('1', '2026-01-01T00:00:00.000Z', 40)], meta: { result_count: 1 } }),
    ];
    server.use(answer('get', URL_, () => pages.shift()!));
    const p = await resolveConfigured('x');
    const result = await xInsights.fetchChunk(
      { provider: p, accessToken: 'x-at', target, now: new Date('2026-01-03T12:00:00Z') },
      { from: '2026-01-01', to: '2026-01-02' },
    );
    const [first, second] = await requests();
    expect(Object.fromEntries(first!.url.searchParams)).toEqual({
      max_results: '100',
      'tweet.fields': 'created_at,public_metrics',
      start_time: '2026-01-01T00:00:00Z',
      end_time: '2026-01-03T00:00:00Z',
    });
    expect(first!.headers.get('authorization')).toBe('Bearer x-at');
    expect(second!.url.searchParams.get('pagination_token')).toBe('n1');
    expect(result.rows.map(({ raw, ...r }) => ({ ...r, posts: raw.posts, likes: raw.like_count }))).toEqual([
      { campaignId: 'organic', campaignName: 'Organic posts', day: '2026-01-02', impressions: 750, clicks: null, spend: null, conversions: null, conversionValue: null, currency: null, posts: 2, likes: 4 },
      { campaignId: 'organic', campaignName: 'Organic posts', day: '2026-01-01', impressions: 40, clicks: null, spend: null, conversions: null, conversionValue: null, currency: null, posts: 1, likes: 2 },
    ]);
  });

  it('ends the window just before now when it includes today (X refuses an end_time in the future)', async () => {
    server.use(answer('get', URL_, () => json({ meta: { result_count: 0 } })));
    const p = await resolveConfigured('x');
    const result = await xInsights.fetchChunk(
      { provider: p, accessToken: 'x-at', target, now: new Date('2026-01-03T12:00:00Z') },
      { from: '2026-01-03', to: '2026-01-03' },
    );
    expect(result.rows).toEqual([]);
    const [request] = await requests();
    expect(request!.url.searchParams.get('end_time')).toBe('2026-01-03T11:59:30Z');
  });

  it('a post whose metrics leave out a count adds nothing for it (the schema lets every count be absent)', () => {
    const rows = rollUpPosts([
      { id: '1', created_at: '2026-01-02T10:00:00.000Z', public_metrics: { like_count: 3 } },
      { id: '2', created_at: '2026-01-02T23:59:59.000Z', public_metrics: { impression_count: 40, like_count: 1 } },
    ] as Parameters<typeof rollUpPosts>[0]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ day: '2026-01-02', impressions: 40, raw: { posts: 2, like_count: 4, retweet_count: 0, reply_count: 0 } });
  });
});
