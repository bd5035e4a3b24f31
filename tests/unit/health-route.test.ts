import { NextRequest } from 'next/server';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { resetEnvForTests } from '@/lib/env';
import type { Health } from '@/lib/health';

/**
 * Issue 8 item 7: the public health route never shows a connection id or an error text to a stranger;
 * nor, with Clerk, to a signed-in user: the sweep's errors name any user's connections.
 */
const state = vi.hoisted(() => ({ user: null as null | { id: string; mode: 'local' | 'clerk' }, health: undefined as unknown }));
vi.mock('@/lib/auth/session', () => ({ getSessionUser: async () => state.user }));
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

  const get = async (headers: Record<string, string> = {}) => {
    const { GET } = await import('@/app/api/health/route');
    return GET(new NextRequest('http://localhost/api/health', { headers }), { params: Promise.resolve({}) });
  };

  it('shows counts but no id or error text to someone not signed in', async () => {
    state.user = null;
    const res = await get();
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).not.toContain(ID);
    expect(text).not.toContain('Fernet');
    expect(JSON.parse(text)).toMatchObject({ status: 'ok', scheduler: { lastSweep: { failed: 1, errors: 1, lastError: null } } });
  });

  it("Clerk: a signed-in user never sees another user's connection in the last sweep's error, only that there was one", async () => {
    // The failed connection (ID) is user_1's; user_2 asks. Neither gets the text: it is the operator's.
    for (const id of ['user_2', 'user_1']) {
      state.user = { id, mode: 'clerk' };
      const text = await (await get()).text();
      expect(text, id).not.toContain(ID);
      expect(text, id).not.toContain('Fernet');
      expect(JSON.parse(text), id).toMatchObject({ scheduler: { lastSweep: { failed: 1, errors: 1, lastError: null } } });
    }
  });

  it('shows the last error to the operator: the local-mode user, or whoever presents METRICS_TOKEN', async () => {
    state.user = { id: 'local', mode: 'local' };
    expect(await (await get()).text()).toContain(ID);

    state.user = { id: 'user_2', mode: 'clerk' };
    process.env.METRICS_TOKEN = 'metrics-token-for-health-test';
    resetEnvForTests();
    try {
      expect(await (await get({ authorization: 'Bearer metrics-token-for-health-test' })).text()).toContain(ID);
      expect(await (await get({ authorization: 'Bearer metrics-token-for-health-tesT' })).text()).not.toContain(ID);
    } finally {
      delete process.env.METRICS_TOKEN;
      resetEnvForTests();
    }
  });
});
