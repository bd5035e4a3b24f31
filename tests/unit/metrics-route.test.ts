import { NextRequest } from 'next/server';
import { beforeEach, describe, expect, it, vi } from 'vitest';

/** Without METRICS_TOKEN /api/metrics does not exist for any method: a 405 would reveal the route. */
const state = vi.hoisted(() => ({ metricsToken: undefined as string | undefined }));
vi.mock('@/lib/env', async (original) => ({
  ...(await original<typeof import('@/lib/env')>()),
  getEnv: () => ({ observability: { metricsToken: state.metricsToken } }),
}));

const METHODS = ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const call = async (method: (typeof METHODS)[number] | 'GET') => {
  const route = await import('@/app/api/metrics/route');
  return route[method](new NextRequest('http://localhost/api/metrics', { method }));
};

describe('/api/metrics', () => {
  beforeEach(() => {
    state.metricsToken = undefined;
  });

  it.each(METHODS)('%s answers 404 not_found, like GET, while metrics are off', async (method) => {
    const res = await call(method);
    expect(res.status).toBe(404);
    expect(res.headers.get('allow')).toBeNull();
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await call('GET')).status).toBe(404);
  });

  it('with METRICS_TOKEN set, other methods answer 405 with Allow, and GET asks for the token', async () => {
    state.metricsToken = 'm'.repeat(32);
    const res = await call('POST');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect((await call('GET')).status).toBe(401);
  });
});
