import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';
import { createProviderResolver } from '@/lib/refresh/provider-resolver';

/**
 * SIMULATOR_URL (issue 12): several instances share one simulator, so their server-side provider
 * calls go over HTTP to it rather than to each process's own in-process simulator.
 */
describe('SIMULATOR_URL', () => {
  it('sends the sweep’s calls of simulated providers to the shared simulator over HTTP', async () => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const env = parseEnv({ SIMULATOR: 'on', SIMULATOR_URL: url });
      const provider = await createProviderResolver(env, { origin: 'http://localhost:3000' })('x');
      expect(provider?.rewriteUrl('https://api.x.com/2/oauth2/token')).toBe(`${url}/api/simulator/x/api.x.com/2/oauth2/token`);
      await provider!.fetch('https://api.x.com/2/oauth2/token', { method: 'POST', body: 'grant_type=refresh_token' });
      expect(seen).toEqual(['POST /api/simulator/x/api.x.com/2/oauth2/token']);
    } finally {
      server.close();
    }
  });

  it('without it, the sweep uses this process’s own simulator at its own origin', async () => {
    const provider = await createProviderResolver(parseEnv({ SIMULATOR: 'on' }), { origin: 'http://localhost:3000' })('x');
    expect(provider?.rewriteUrl('https://api.x.com/2/oauth2/token')).toBe('http://localhost:3000/api/simulator/x/api.x.com/2/oauth2/token');
  });

  it('accepts only a loopback http origin', () => {
    expect(() => parseEnv({ SIMULATOR_URL: 'https://simulator.example.com' })).toThrow(/SIMULATOR_URL/);
    expect(parseEnv({ SIMULATOR_URL: 'http://127.0.0.1:4100' }).simulatorUrl).toBe('http://127.0.0.1:4100');
  });
});
