import { describe, expect, it } from 'vitest';
import { withLogContext } from '../log-context';
import type { RateLimitDecision } from './limiter';
import { noteRateLimit, withRequestQuota } from './request-quota';

const decision: RateLimitDecision = { policy: { name: 'authorize', limit: 30, windowSec: 60 }, allowed: true, remaining: 29, resetSec: 42 };

describe('withRequestQuota', () => {
  it('adds the fields of the quota noted during the request to whatever it answers', async () => {
    const res = await withRequestQuota({}, async () => {
      noteRateLimit(decision);
      return Response.json({ error: 'nope' }, { status: 409 });
    });
    expect([res.status, res.headers.get('ratelimit-policy'), res.headers.get('ratelimit')]).toEqual([409, '"authorize";q=30;w=60', '"authorize";r=29;t=42']);
  });

  it('answers with a copy when the response headers are immutable (Response.redirect)', async () => {
    const res = await withRequestQuota({}, async () => {
      noteRateLimit(decision);
      return Response.redirect('http://localhost/next', 303);
    });
    expect([res.status, res.headers.get('location'), res.headers.get('ratelimit')]).toEqual([303, 'http://localhost/next', '"authorize";r=29;t=42']);
  });

  it('adds nothing without a hit, and a hit outside a request is not kept for the next one', async () => {
    noteRateLimit(decision);
    const res = await withRequestQuota({}, async () => new Response('ok'));
    expect(res.headers.get('ratelimit')).toBeNull();
  });

  it('a hit counted in a context nested inside the request (a sweep in the cron route) still reaches its answer', async () => {
    const res = await withRequestQuota({ requestId: 'req-12345678' }, async () => {
      await withLogContext({ sweepId: 'sweep:host:1:ab-cd' }, async () => noteRateLimit(decision));
      return new Response('ok');
    });
    expect(res.headers.get('ratelimit')).toBe('"authorize";r=29;t=42');
  });
});
