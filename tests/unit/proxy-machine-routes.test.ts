import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NextRequest, NextResponse, type NextFetchEvent } from 'next/server';
import { resetEnvForTests } from '@/lib/env';

/**
 * In Clerk mode, machine routes (health, cron, the token API) go past Clerk's middleware: they
 * authenticate with a secret or an API key and never read a session, so the cookie parsing and
 * JWT work on every token read was pure cost (issue 12). Pages and session APIs still go through it.
 */

const clerkCalls: string[] = [];
vi.mock('@clerk/nextjs/server', () => ({
  clerkMiddleware: () => (req: NextRequest) => {
    clerkCalls.push(req.nextUrl.pathname);
    return NextResponse.next();
  },
}));

const CLERK_ENV = {
  AUTH_MODE: 'clerk',
  CLERK_SECRET_KEY: 'sk_test_abc',
  CLERK_PUBLISHABLE_KEY: 'pk_live_Y2xlcmsuZXhhbXBsZS5jb20k',
  CLERK_JWT_KEY: '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----',
};

beforeEach(() => {
  for (const [k, v] of Object.entries(CLERK_ENV)) vi.stubEnv(k, v);
  resetEnvForTests();
  clerkCalls.length = 0;
});
afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvForTests();
});

async function send(path: string): Promise<Response | undefined> {
  const { default: proxy } = await import('@/proxy');
  const req = new NextRequest(`http://localhost:3000${path}`, { headers: { host: 'localhost:3000' } });
  return (await proxy(req, {} as NextFetchEvent)) ?? undefined;
}

describe('proxy in Clerk mode', () => {
  it('sends the token API, cron and health past Clerk, with a request id and security headers', async () => {
    for (const path of ['/api/v1/connections/00000000-0000-4000-8000-000000000000/access-token', '/api/cron/refresh-tokens', '/api/health']) {
      const res = await send(path);
      expect(res?.headers.get('x-request-id')).toBeTruthy();
      expect(res?.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect(clerkCalls).toEqual([]);
  });

  it('still runs Clerk for pages, session APIs and the other public routes', async () => {
    for (const path of ['/', '/api/v1/connections', '/api/v1/connections/00000000-0000-4000-8000-000000000000/refresh', '/api/v1/analytics/insights']) {
      await send(path);
    }
    expect(clerkCalls).toEqual(['/', '/api/v1/connections', '/api/v1/connections/00000000-0000-4000-8000-000000000000/refresh', '/api/v1/analytics/insights']);
  });
});
