import { NextRequest } from 'next/server';
import { afterEach, describe, expect, it } from 'vitest';
import { handleRoute } from './http/handle-route';
import { getLogger, requestLogger } from './log';
import { withLogContext } from './log-context';
import type { RateLimitDecision } from './rate-limit/limiter';
import { noteRateLimit } from './rate-limit/request-quota';
import { captureLines, restoreProcessLogger } from '@/tests/support/capture-log';

/** Issue 11 §4: a line logged by lib code inside a request carries that request's id, without being passed it. */

afterEach(restoreProcessLogger);

/** Stands in for any lib function: it knows nothing of the request, logs through the process logger. */
async function libWork(step: string): Promise<void> {
  await new Promise((r) => setTimeout(r, 5));
  getLogger().info({ step }, 'lib work');
}

const request = (id: string) => new NextRequest('http://localhost/api/v1/thing', { headers: { 'x-request-id': id } });

describe('log context', () => {
  it('a lib log line inside a request carries that request’s id, even with requests interleaved', async () => {
    const lines = captureLines();
    const route = handleRoute(async (req: NextRequest) => {
      await libWork(`first:${req.headers.get('x-request-id')}`);
      await libWork(`second:${req.headers.get('x-request-id')}`);
      return new Response('ok');
    });
    await Promise.all([route(request('req-aaaaaaaa')), route(request('req-bbbbbbbb'))]);
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      const step = String(line.step);
      expect(line.requestId, step).toBe(step.split(':')[1]);
    }
    // Outside a request nothing is added.
    await libWork('none');
    expect(lines.at(-1)).not.toHaveProperty('requestId');
  });

  it('a sweep inside a request adds its sweep id and keeps the request id; requestLogger does not repeat the key', async () => {
    const lines = captureLines();
    await withLogContext({ requestId: 'req-cccccccc' }, () =>
      withLogContext({ sweepId: 'sweep:host:1:ab-cd' }, async () => {
        await libWork('in sweep');
        requestLogger('req-cccccccc').info('cron line');
      }),
    );
    expect(lines[0]).toMatchObject({ requestId: 'req-cccccccc', sweepId: 'sweep:host:1:ab-cd', step: 'in sweep' });
    expect(lines[1]).toMatchObject({ requestId: 'req-cccccccc', sweepId: 'sweep:host:1:ab-cd', msg: 'cron line' });
    for (const raw of lines.raw) expect(raw.match(/"requestId"/g)).toHaveLength(1);
  });

  it('the rate-limit quota rides in the request’s context but never appears in a logged line', async () => {
    const lines = captureLines();
    const decision: RateLimitDecision = { policy: { name: 'authorize', limit: 30, windowSec: 60 }, allowed: true, remaining: 29, resetSec: 42 };
    const route = handleRoute(async () => {
      noteRateLimit(decision);
      await libWork('after the hit');
      requestLogger('req-dddddddd').info('route line');
      // A sweep inside the request shares the request's slot: its lines must not print it either.
      await withLogContext({ sweepId: 'sweep:host:1:ef-01' }, () => libWork('in sweep'));
      return new Response('ok');
    });
    const res = await route(request('req-dddddddd'));
    // The slot was there while those lines were logged: its decision reached the answer.
    expect(res.headers.get('ratelimit')).toBe('"authorize";r=29;t=42');
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line.requestId).toBe('req-dddddddd');
      expect(line).not.toHaveProperty('quota');
    }
    for (const raw of lines.raw) expect(raw).not.toMatch(/quota|decision|authorize|remaining|resetSec|windowSec/i);
  });
});
