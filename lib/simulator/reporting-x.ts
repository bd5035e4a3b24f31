import { lookupAccessToken } from './grants';
import { bearerToken, json, param, type Route, type SimRequest } from './http';
import { findXPersona } from './persona-lookup';
import { postsFor } from './reporting-data';
import { countCall, restatementOf, takeReportingFailure } from './reporting-state';

/**
 * X API v2 `GET /2/users/:id/tweets` with `public_metrics` (providers.md §3, insights.md): the
 * user's own posts between start_time and end_time, newest first, 5–100 per page with
 * `pagination_token`; needs `tweet.read`; 429s carry `x-rate-limit-*` [X6].
 */

const problem = (status: number, title: string, detail: string, headers: Record<string, string> = {}) =>
  json({ title, detail, type: 'about:blank', status }, status, headers);

function userPosts(req: SimRequest, match: RegExpMatchArray): Response {
  const userId = match[1] ?? '';
  const injected = takeReportingFailure(req.state, 'x');
  const nowSec = Math.floor(req.state.now() / 1000);
  if (injected?.kind === 'rate_limited') {
    const reset = injected.retryAfterSec ?? 900;
    return json({ errors: [{ code: 88, message: 'Rate limit exceeded' }] }, 429, {
      'x-rate-limit-limit': '900',
      'x-rate-limit-remaining': '0',
      'x-rate-limit-reset': String(nowSec + reset),
    });
  }
  const found = lookupAccessToken(req.state, 'x', bearerToken(req.headers));
  if (injected?.kind === 'unauthorized' || !found.ok) return problem(401, 'Unauthorized', 'Unauthorized');
  if (!found.grant.scopes.includes('tweet.read')) return problem(403, 'Forbidden', 'Missing scope tweet.read');
  const persona = findXPersona(found.grant.personaId);
  // Seeded (synthetic) personas read any user id; the named ones only their own.
  if (persona && persona.userId !== userId) return problem(403, 'Forbidden', 'You can only read your own posts here (simulated)');
  countCall(req.state, 'x', 'tweets');

  const max = Number(param(req.query, 'max_results') ?? 10);
  if (!Number.isInteger(max) || max < 5 || max > 100) return problem(400, 'Invalid Request', 'max_results must be between 5 and 100');
  const start = param(req.query, 'start_time');
  const end = param(req.query, 'end_time');
  const nowIso = new Date(req.state.now()).toISOString();
  if (end && Date.parse(end) > req.state.now()) return problem(400, 'Invalid Request', 'end_time must be a minimum of 10 seconds prior to the request time');
  const from = (start ?? new Date(req.state.now() - 7 * 86_400_000).toISOString()).slice(0, 10);
  const to = (end ?? nowIso).slice(0, 10);
  const posts = postsFor(userId, from, to, restatementOf(req.state))
    .filter((p) => (!start || Date.parse(p.createdAt) >= Date.parse(start)) && Date.parse(p.createdAt) < Date.parse(end ?? nowIso))
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  const offset = Number(Buffer.from(param(req.query, 'pagination_token') ?? '', 'base64url').toString('utf8') || 0);
  const page = posts.slice(offset, offset + max);
  const nextToken = offset + max < posts.length ? Buffer.from(String(offset + max)).toString('base64url') : undefined;
  return json({
    ...(page.length ? { data: page.map((p) => ({ id: p.id, text: `Post ${p.id}`, created_at: p.createdAt, public_metrics: p.metrics, edit_history_tweet_ids: [p.id] })) } : {}),
    meta: { result_count: page.length, ...(page.length ? { newest_id: page[0]!.id, oldest_id: page[page.length - 1]!.id } : {}), ...(nextToken ? { next_token: nextToken } : {}) },
  });
}

export const X_REPORTING_ROUTES: Route[] = [{ methods: ['GET'], hosts: ['api.x.com', 'api.twitter.com'], path: /^\/2\/users\/(\d+)\/tweets$/, handle: userPosts }];
