import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { z } from 'zod';
import { fetchAmazonAdsAccount } from '@/lib/providers/amazon-ads/accounts';
import { isMetaDefinition } from '@/lib/providers/meta/definition';
import { fetchMetaAccount } from '@/lib/providers/meta/accounts';
import { resolveConfigured } from '@/tests/support/provider-http';

/**
 * Issue 12 (callback p99): a zod schema compiles itself on its first parse, so the identity calls
 * of the callback must parse with schemas built once, not new ones per call or per page. getJson
 * is replaced here by a stub that records the schema each call parses with and answers through it.
 */
const seen = vi.hoisted(() => [] as { url: string; schema: unknown }[]);
vi.mock('@/lib/oauth/http', async (original) => {
  const actual = await original<typeof import('@/lib/oauth/http')>();
  return {
    ...actual,
    getJson: async (_p: unknown, url: string, schema: z.ZodType) => {
      seen.push({ url, schema });
      const path = new URL(url).pathname;
      const body = /\/(accounts|adaccounts)$/.test(path) ? { data: [] } : /\/v2\/profiles$/.test(path) ? [] : { id: '42', user_id: 'amzn1.account.X' };
      return schema.parse(body);
    },
  };
});

beforeEach(() => {
  seen.length = 0;
});

const schemasByUrl = () => new Map(seen.map((s) => [new URL(s.url).host + new URL(s.url).pathname, s.schema]));

describe('identity schemas are built once (issue 12)', () => {
  it('Meta: every call and every page parses with the same schema objects', async () => {
    const p = await resolveConfigured('meta');
    if (!isMetaDefinition(p.definition)) throw new Error('not the Meta definition');
    const meta = { ...p, definition: p.definition };
    await fetchMetaAccount(meta, 'EAAtoken');
    const first = schemasByUrl();
    await fetchMetaAccount(meta, 'EAAtoken');
    const second = schemasByUrl();
    expect(first.size).toBe(3);
    for (const [url, schema] of first) expect(second.get(url), url).toBe(schema);
  });

  it('Amazon Ads: the three regional profile lists parse with one schema, the same on every call', async () => {
    const p = await resolveConfigured('amazon-ads');
    await fetchAmazonAdsAccount(p, 'Atza|token');
    const first = seen.filter((s) => s.url.endsWith('/v2/profiles')).map((s) => s.schema);
    await fetchAmazonAdsAccount(p, 'Atza|token');
    const all = seen.filter((s) => s.url.endsWith('/v2/profiles')).map((s) => s.schema);
    expect(first).toHaveLength(3);
    expect(all).toHaveLength(6);
    expect(new Set(all).size).toBe(1);
  });
});
