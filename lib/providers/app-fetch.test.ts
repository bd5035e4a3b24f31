import { describe, expect, it } from 'vitest';
import { appFetch } from './app-fetch';

const ORIGIN = 'http://localhost:3000';

describe('appFetch (the sweep’s fetch)', () => {
  const network = () => {
    const calls: string[] = [];
    const base = (async (input: RequestInfo | URL) => {
      calls.push(input instanceof Request ? input.url : String(input));
      return new Response('from the network');
    }) as typeof fetch;
    return { calls, base };
  };

  it('serves simulator URLs in-process, never over the network, and keeps the admin API shut', async () => {
    const { calls, base } = network();
    const fetchFn = appFetch(ORIGIN, base);
    const admin = await fetchFn(`${ORIGIN}/api/simulator/_admin/reset`, { method: 'POST' });
    expect(admin.status).toBe(403);
    expect(await admin.json()).toMatchObject({ error: 'admin_disabled' });
    const asRequest = await fetchFn(new Request(`${ORIGIN}/api/simulator/_admin/state`));
    expect(asRequest.status).toBe(403);
    expect(calls).toEqual([]);
  });

  it('sends real provider URLs (string or Request) to the network unchanged', async () => {
    const { calls, base } = network();
    const fetchFn = appFetch(ORIGIN, base);
    expect(await (await fetchFn('https://api.x.com/2/users/me')).text()).toBe('from the network');
    await fetchFn(new Request('https://graph.facebook.com/v25.0/me'));
    // Another origin's simulator path is not this process's simulator.
    await fetchFn('http://other.example/api/simulator/x/api.x.com/2/users/me');
    expect(calls).toEqual(['https://api.x.com/2/users/me', 'https://graph.facebook.com/v25.0/me', 'http://other.example/api/simulator/x/api.x.com/2/users/me']);
  });
});
