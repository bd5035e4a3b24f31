import { afterEach, describe, expect, it } from 'vitest';
import { GET, POST } from '@/app/api/simulator/[...path]/route';
import { resetEnvForTests } from '@/lib/env';
import { createSimulatorFetch } from './fetch';
import { createSimulatorState } from './state';

const ORIGIN = 'http://localhost:3000';

afterEach(() => {
  delete process.env.SIMULATOR;
  resetEnvForTests();
});

describe('simulator route and in-process fetch', () => {
  it('is off with SIMULATOR=off', async () => {
    process.env.SIMULATOR = 'off';
    resetEnvForTests();
    const res = await GET(new Request(`${ORIGIN}/api/simulator/_admin/state`));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'simulator_disabled' });
  });

  it('serves the process-wide simulator when enabled, shared through globalThis', async () => {
    resetEnvForTests();
    expect((await POST(new Request(`${ORIGIN}/api/simulator/_admin/reset`, { method: 'POST' }))).status).toBe(200);
    const res = await GET(new Request(`${ORIGIN}/api/simulator/x/api.x.com/2/users/me`));
    expect(res.status).toBe(401);
    const state = (await (await GET(new Request(`${ORIGIN}/api/simulator/_admin/state`))).json()) as { stats: { x: { recentCalls: unknown[] } } };
    expect(state.stats.x.recentCalls).toHaveLength(1);
  });

  it('createSimulatorFetch refuses anything but simulator URLs', async () => {
    const simFetch = createSimulatorFetch(createSimulatorState(), { origin: ORIGIN });
    await expect(simFetch('https://api.x.com/2/users/me')).rejects.toThrow(/serves only/);
    await expect(simFetch(`${ORIGIN}/api/health`)).rejects.toThrow(/serves only/);
    expect((await simFetch(`${ORIGIN}/api/simulator/x/api.x.com/2/users/me`)).status).toBe(401);
  });
});
