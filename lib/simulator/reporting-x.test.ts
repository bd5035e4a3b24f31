import { describe, expect, it } from 'vitest';
import { createSimulatorFetch, toSimulatorUrl } from './fetch';
import { reportingOf } from './reporting-state';
import { seedGrant } from './seed';
import { createSimulatorState } from './state';

/** X `GET /2/users/:id/tweets` as a sync sees it (providers.md §3): paging, time window, Problem JSON refusals, 429 headers [X6]. */
const ORIGIN = 'http://sim.test';
const NOW = Date.parse('2026-11-20T12:00:00Z');
const RILEY = '1468021597370163201';
const SAM = '1590347712845516802';

function setup(personaId = 'x-riley', scopes = ['tweet.read', 'users.read']) {
  const state = createSimulatorState({ now: () => NOW });
  const fetchSim = createSimulatorFetch(state, { origin: ORIGIN });
  const { accessToken } = seedGrant(state, 'x', { personaId, scopes });
  const posts = (query: string, user = RILEY, token = accessToken) =>
    fetchSim(toSimulatorUrl(ORIGIN, 'x', `https://api.x.com/2/users/${user}/tweets?${query}`), { headers: { authorization: `Bearer ${token}` } });
  return { posts, knobs: reportingOf(state).knobs };
}
type Page = { data?: { id: string; created_at: string }[]; meta: { result_count: number; next_token?: string; newest_id?: string; oldest_id?: string } };
type Problem = { title: string; detail: string; type: string; status: number };

describe('simulator X posts', () => {
  it('pages newest first by pagination_token until every post in the window is seen once', async () => {
    const { posts } = setup();
    const window = 'start_time=2026-11-01T00:00:00Z&end_time=2026-11-15T00:00:00Z';
    const seen: { id: string; created_at: string }[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = (await (await posts(`max_results=5&${window}${token ? `&pagination_token=${token}` : ''}`)).json()) as Page;
      seen.push(...(page.data ?? []));
      expect(page.meta.result_count).toBe(page.data?.length ?? 0);
      expect(page.meta.newest_id).toBe(page.data?.[0]?.id);
      token = page.meta.next_token;
      pages += 1;
    } while (token);
    expect(pages).toBeGreaterThan(1);
    expect(new Set(seen.map((p) => p.id)).size).toBe(seen.length);
    expect(seen.every((p) => p.created_at >= '2026-11-01' && p.created_at < '2026-11-15')).toBe(true);
    expect(seen.map((p) => p.created_at)).toEqual([...seen.map((p) => p.created_at)].sort().reverse());
  });

  it('defaults to the last 7 days up to now, 10 per page', async () => {
    const { posts } = setup();
    const page = (await (await posts('')).json()) as Page;
    expect(page.data!.length).toBeLessThanOrEqual(10);
    expect(page.data!.every((p) => p.created_at >= '2026-11-13' && Date.parse(p.created_at) < NOW)).toBe(true);
  });

  it('answers a window without posts with result_count 0 and no data', async () => {
    const { posts } = setup();
    const res = await posts('max_results=5&start_time=2026-11-19T23:59:00Z&end_time=2026-11-19T23:59:30Z');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ meta: { result_count: 0 } });
  });

  it('refuses max_results outside 5–100 and an end_time in the future with 400 Problem JSON', async () => {
    const { posts } = setup();
    for (const query of ['max_results=4', 'max_results=101', 'max_results=ten', 'end_time=2026-11-21T00:00:00Z']) {
      const res = await posts(query);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as Problem).title, query).toBe('Invalid Request');
    }
  });

  it('answers 401 for an unknown or knob-killed token, 403 without tweet.read or for another user’s posts', async () => {
    const { posts, knobs } = setup();
    knobs.unauthorized = { x: 1 };
    const died = await posts('');
    expect(died.status).toBe(401);
    expect(await died.json()).toEqual({ title: 'Unauthorized', detail: 'Unauthorized', type: 'about:blank', status: 401 });
    expect((await posts('', RILEY, 'nope')).status).toBe(401);
    const other = await posts('', SAM);
    expect(other.status).toBe(403);
    expect(((await other.json()) as Problem).detail).toContain('your own posts');
    const noRead = setup('x-riley', ['users.read']);
    const forbidden = await noRead.posts('');
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as Problem).detail).toBe('Missing scope tweet.read');
    // A seeded persona reads any user id.
    expect((await setup('x-seeded').posts('', SAM)).status).toBe(200);
  });

  it('a restatement raises only the recent days’ impressions, by 11 per generation', async () => {
    const { posts, knobs } = setup();
    const window = 'max_results=100&start_time=2026-11-10T00:00:00Z&end_time=2026-11-20T00:00:00Z';
    type Metrics = { id: string; created_at: string; public_metrics: { impression_count: number } };
    const before = ((await (await posts(window)).json()) as { data: Metrics[] }).data;
    knobs.restatementGeneration = 2;
    knobs.restateDays = 3;
    const after = ((await (await posts(window)).json()) as { data: Metrics[] }).data;
    expect(after.map((p) => p.id)).toEqual(before.map((p) => p.id));
    const delta = new Map(after.map((p, i) => [p.created_at.slice(0, 10), p.public_metrics.impression_count - before[i]!.public_metrics.impression_count]));
    expect([...delta].filter(([day]) => day > '2026-11-17').every(([, d]) => d === 22)).toBe(true);
    expect([...delta].filter(([day]) => day <= '2026-11-17').every(([, d]) => d === 0)).toBe(true);
    expect([...delta.keys()].some((day) => day > '2026-11-17')).toBe(true);
  });

  it('a knob 429 without Retry-After resets in 15 minutes (x-rate-limit-reset), with code 88', async () => {
    const { posts, knobs } = setup();
    knobs.rateLimit = { x: { count: 1, retryAfterSec: null } };
    const limited = await posts('');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(limited.headers.get('x-rate-limit-reset')).toBe(String(NOW / 1000 + 900));
    expect(await limited.json()).toEqual({ errors: [{ code: 88, message: 'Rate limit exceeded' }] });
    knobs.rateLimit = { x: { count: 1, retryAfterSec: 60 } };
    expect((await posts('')).headers.get('x-rate-limit-reset')).toBe(String(NOW / 1000 + 60));
  });
});
