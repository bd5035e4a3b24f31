import { describe, expect, it, vi } from 'vitest';
import { SIMULATOR_CREDENTIALS, type SimulatedProvider } from './credentials';
import type { InjectedFailure } from './knobs';
import { realSleep } from './state';
import { countTokenCalls } from './stats';
import { basicAuth, createSimulatorTestClient, type SimulatorTestClient } from './test-client';

/** Each provider's token endpoint, called with a refresh grant for a token that does not exist. */
const REFRESH: Record<SimulatedProvider, (sim: SimulatorTestClient, init?: RequestInit) => Promise<Response>> = {
  'amazon-ads': (sim, init) =>
    sim.fetch(sim.url('https://api.amazon.com/auth/o2/token'), {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'Atzr|x', client_id: 'sim-amazon-ads-client', client_secret: 'sim-amazon-ads-secret' }),
      ...init,
    }),
  linkedin: (sim, init) =>
    sim.fetch(sim.url('https://www.linkedin.com/oauth/v2/accessToken'), {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'AQXx', client_id: 'sim-linkedin-client', client_secret: 'sim-linkedin-secret' }),
      ...init,
    }),
  x: (sim, init) =>
    sim.fetch(sim.url('https://api.x.com/2/oauth2/token'), {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x', client_id: SIMULATOR_CREDENTIALS.x.clientId }),
      headers: basicAuth('x'),
      ...init,
    }),
  meta: (sim, init) => {
    const { clientId, clientSecret } = SIMULATOR_CREDENTIALS.meta;
    const q = new URLSearchParams({ grant_type: 'fb_exchange_token', client_id: clientId, client_secret: clientSecret, fb_exchange_token: 'EAAx' });
    return sim.fetch(sim.url(`https://graph.facebook.com/v25.0/oauth/access_token?${q}`), init);
  },
};

function inject(provider: SimulatedProvider, ...failures: InjectedFailure[]) {
  const sim = createSimulatorTestClient(provider);
  sim.setKnobs((k) => (k[provider].failures = failures));
  return sim;
}

describe('injected token-endpoint failures', () => {
  it.each([
    ['amazon-ads', 400, { error: 'invalid_grant' }],
    ['linkedin', 400, { error: 'invalid_request', error_description: 'The provided authorization grant or refresh token is invalid, expired or revoked' }],
    ['x', 400, { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' }],
    ['meta', 400, { error: { code: 190, type: 'OAuthException' } }],
  ] as const)('%s: invalid_grant uses the provider’s dead-grant shape, once per call', async (provider, status, shape) => {
    const sim = inject(provider, { kind: 'invalid_grant', count: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await REFRESH[provider](sim);
      expect(res.status).toBe(status);
      expect(await res.json()).toMatchObject(shape);
    }
    expect(sim.state.knobs[provider].failures).toEqual([]);
    const grantType = provider === 'meta' ? 'fb_exchange_token' : 'refresh_token';
    expect(countTokenCalls(sim.state.stats, provider, grantType, 'injected_invalid_grant')).toBe(2);
  });

  it.each(['amazon-ads', 'linkedin', 'x'] as const)('%s: rate_limited is 429 with Retry-After', async (provider) => {
    const sim = inject(provider, { kind: 'rate_limited', count: 1, retryAfterSec: 7 });
    const res = await REFRESH[provider](sim);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    // the queue is used up: the next call reaches the real logic (an unknown token)
    expect((await REFRESH[provider](sim)).status).toBe(400);
  });

  it('meta: rate_limited is code 4 with usage headers and no Retry-After', async () => {
    const sim = inject('meta', { kind: 'rate_limited', count: 1 });
    const res = await REFRESH.meta(sim);
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe(4);
    expect(res.headers.get('x-app-usage')).toBeTruthy();
    expect(res.headers.has('retry-after')).toBe(false);
  });

  it.each(['amazon-ads', 'linkedin', 'x', 'meta'] as const)('%s: server_error is a 500', async (provider) => {
    const sim = inject(provider, { kind: 'server_error', count: 1 });
    expect((await REFRESH[provider](sim)).status).toBe(500);
  });

  it('timeout holds the response until the client gives up', async () => {
    const sim = createSimulatorTestClient('x', { sleep: realSleep }); // a real hold; the client's timeout ends it
    sim.setKnobs((k) => (k.x.failures = [{ kind: 'timeout', count: 1, timeoutMs: 10_000 }]));
    const started = Date.now();
    await expect(REFRESH.x(sim, { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(sim.state.knobs.x.failures).toEqual([]);
  });

  it('timeout answers 504 after timeoutMs when the client waits', async () => {
    const sleep = vi.fn(async () => {});
    const sim = createSimulatorTestClient('linkedin', { sleep });
    sim.setKnobs((k) => (k.linkedin.failures = [{ kind: 'timeout', count: 1 }]));
    expect((await REFRESH.linkedin(sim)).status).toBe(504);
    expect(sleep).toHaveBeenCalledWith(30_000, expect.anything());
  });

  it('adds the latency knob to every response', async () => {
    const sleep = vi.fn(async () => {});
    const sim = createSimulatorTestClient('amazon-ads', { sleep });
    sim.setKnobs((k) => (k['amazon-ads'].latencyMs = 250));
    await sim.get('https://api.amazon.com/user/profile');
    expect(sleep).toHaveBeenCalledWith(250, expect.anything());
  });
});
