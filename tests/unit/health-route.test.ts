import { NextRequest } from 'next/server';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Health } from '@/lib/health';

/** Issue 8 item 7: the public health route never shows a connection id or an error text to a stranger. */
const state = vi.hoisted(() => ({ signedIn: false, health: undefined as unknown }));
vi.mock('@/lib/auth/session', () => ({ getSessionUser: async () => (state.signedIn ? { id: 'user_1', mode: 'clerk' } : null) }));
vi.mock('@/lib/health', async (original) => ({ ...(await original<typeof import('@/lib/health')>()), checkHealth: async () => state.health }));

const ID = '0b3c7e8a-1d2f-4a5b-9c6d-7e8f9a0b1c2d';
const health: Health = {
  status: 'ok',
  version: '0.1.0',
  commit: null,
  database: { status: 'up', driver: 'postgres', migrations: { applied: 6, pending: [] } },
  scheduler: {
    mode: 'in-process',
    intervalSec: 60,
    stale: false,
    lastSweep: {
      finishedAt: new Date().toISOString(),
      trigger: 'scheduler',
      durationMs: 5,
      claimed: 1,
      refreshed: 0,
      failed: 1,
      needsReauth: 0,
      errors: 1,
      lastError: `x:${ID}: invalid or expired Fernet token`,
    },
  },
};

describe('GET /api/health', () => {
  beforeEach(() => {
    state.health = health;
  });

  it('shows counts but no id or error text to someone not signed in', async () => {
    state.signedIn = false;
    const { GET } = await import('@/app/api/health/route');
    const res = await GET(new NextRequest('http://localhost/api/health'), { params: Promise.resolve({}) });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).not.toContain(ID);
    expect(text).not.toContain('Fernet');
    expect(JSON.parse(text)).toMatchObject({ status: 'ok', scheduler: { lastSweep: { failed: 1, errors: 1, lastError: null } } });
  });

  it('shows the last error to a signed-in user', async () => {
    state.signedIn = true;
    const { GET } = await import('@/app/api/health/route');
    expect(await (await GET(new NextRequest('http://localhost/api/health'), { params: Promise.resolve({}) })).text()).toContain(ID);
  });
});
