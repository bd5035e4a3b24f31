import { NextRequest } from 'next/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Database } from '../db';
import type { Env } from '../env';
import { resolveRateLimits } from '../rate-limit/policies';
import { apiKeyRoute } from './api-key-route';

const authenticateApiKey = vi.hoisted(() => vi.fn());
const checkRateLimit = vi.hoisted(() => vi.fn());
vi.mock('../api-keys/authenticate', () => ({ authenticateApiKey }));
vi.mock('../rate-limit/limiter', async (original) => ({ ...(await original<typeof import('../rate-limit/limiter')>()), checkRateLimit }));

const db = {} as Database;
const env = { rateLimits: resolveRateLimits({}) } as Env;
const req = () => new NextRequest('http://localhost/api/v1/connections/x/access-token', { headers: { authorization: 'Bearer gk_x' } });
const policy = { name: 'token_api' as const, limit: 3, windowSec: 60 };
const key = { userId: 'u1', keyId: 'k1', prefix: 'abcdefgh' };

/** A limiter answer the test releases by hand, so it can act while the limiter is still pending. */
function pendingLimit(allowed: boolean) {
  let release = () => {};
  checkRateLimit.mockReturnValue(new Promise((r) => (release = () => r({ policy, allowed, remaining: allowed ? 1 : 0, resetSec: 30 }))));
  return () => release();
}

describe('apiKeyRoute alongside', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
    authenticateApiKey.mockResolvedValue(key);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
    vi.resetAllMocks();
  });

  it('starts the read before the limiter answers, and hands it over when allowed', async () => {
    const release = pendingLimit(true);
    const read = vi.fn(async (k: typeof key) => `row of ${k.userId}`);
    const route = apiKeyRoute(req(), db, env, read);
    await new Promise((r) => setImmediate(r));
    expect(read).toHaveBeenCalledWith(key); // while the limiter is still pending
    release();
    const auth = await route;
    if (auth.response) throw new Error(`refused: ${auth.response.status}`);
    expect(await auth.alongside).toBe('row of u1');
  });

  it('drops the read when the key is over its limit: 429, and its failure is no unhandled rejection', async () => {
    const release = pendingLimit(false);
    const route = apiKeyRoute(req(), db, env, async () => {
      throw new Error('read failed');
    });
    // The read fails first, while the limiter is still pending: nothing may treat it as unhandled.
    await new Promise((r) => setTimeout(r, 20));
    release();
    const auth = await route;
    expect(auth.response?.status).toBe(429);
    await new Promise((r) => setTimeout(r, 20));
    expect(unhandled).toEqual([]);
  });

  it('a read that fails before an allowed limiter answers still reaches the route as its error', async () => {
    const release = pendingLimit(true);
    const route = apiKeyRoute(req(), db, env, async () => {
      throw new Error('read failed');
    });
    await new Promise((r) => setTimeout(r, 20));
    release();
    const auth = await route;
    if (auth.response) throw new Error(`refused: ${auth.response.status}`);
    await expect(auth.alongside).rejects.toThrow('read failed');
    expect(unhandled).toEqual([]);
  });

  it('never starts the read for a refused key', async () => {
    authenticateApiKey.mockResolvedValue(null);
    checkRateLimit.mockResolvedValue(null);
    const read = vi.fn();
    const auth = await apiKeyRoute(req(), db, { rateLimits: { ...env.rateLimits, enabled: false } } as Env, read);
    expect(auth.response?.status).toBe(401);
    expect(read).not.toHaveBeenCalled();
  });
});
