import { describe, expect, it } from 'vitest';
import { SIMULATOR_CREDENTIALS } from './credentials';
import { createSimulatorTestClient, TEST_REDIRECT_URI } from './test-client';

const AMAZON = 'https://www.amazon.com/ap/oa';
const query = (extra: Record<string, string> = {}) =>
  new URLSearchParams({ client_id: SIMULATOR_CREDENTIALS['amazon-ads'].clientId, scope: 'advertising::campaign_management', response_type: 'code', redirect_uri: TEST_REDIRECT_URI, state: 's', ...extra });

describe('simulated consent page', () => {
  it('renders an accessible page with the client id, scopes, personas and stable test ids', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    const res = await sim.get(`${AMAZON}?${query()}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const page = await res.text();
    expect(page).toContain('<html lang="en">');
    expect(page).toMatch(/<title>Sign in to Amazon \(simulated\)<\/title>/);
    expect(page).toContain('<h1>Sign in to Amazon (simulated)</h1>');
    expect(page).toContain('sim-amazon-ads-client');
    expect(page).toContain('advertising::campaign_management');
    for (const id of ['amazon-avery', 'amazon-kenji', 'amazon-nadia']) {
      expect(page).toContain(`data-testid="sim-account-${id}"`);
      expect(page).toContain(`<label for="sim-account-${id}">`);
    }
    expect(page).toContain('data-testid="sim-allow"');
    expect(page).toContain('data-testid="sim-deny"');
    // the form posts back to the same URL, query string included
    expect(page).toContain(`action="/api/simulator/amazon-ads/www.amazon.com/ap/oa?${query().toString().replace(/&/g, '&amp;')}"`);
  });

  it('shows an error page, never a redirect, for an unknown client or a bad redirect_uri', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    const unknown = await sim.get(`${AMAZON}?${query({ client_id: '<script>alert(1)</script>' })}`);
    expect(unknown.status).toBe(400);
    expect(unknown.headers.has('location')).toBe(false);
    const text = await unknown.text();
    expect(text).toContain('&lt;script&gt;');
    expect(text).not.toContain('<script>');
    const noRedirect = await sim.get(`${AMAZON}?${query({ redirect_uri: '' })}`);
    expect(noRedirect.status).toBe(400);
    const relative = await sim.get(`${AMAZON}?${query({ redirect_uri: '/callback' })}`);
    expect(relative.status).toBe(400);
  });

  it('returns response_type and scope problems to the redirect_uri', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    const token = await sim.get(`${AMAZON}?${query({ response_type: 'token' })}`);
    expect(token.status).toBe(302);
    expect(new URL(token.headers.get('location')!).searchParams.get('error')).toBe('unsupported_response_type');
    const scope = await sim.get(`${AMAZON}?${query({ scope: 'not_a_scope' })}`);
    expect(new URL(scope.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
  });

  it('ties the grant to the chosen persona', async () => {
    const sim = createSimulatorTestClient('x');
    const q = new URLSearchParams({ response_type: 'code', client_id: 'sim-x-client', redirect_uri: TEST_REDIRECT_URI, scope: 'users.read', code_challenge: 'c'.repeat(43), code_challenge_method: 'plain' });
    const res = await sim.fetch(sim.url(`https://x.com/i/oauth2/authorize?${q}`), { method: 'POST', body: new URLSearchParams({ decision: 'allow', persona: 'x-sam' }) });
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    expect(sim.state.codes.get(code)?.personaId).toBe('x-sam');
    const unknownPersona = await sim.fetch(sim.url(`https://x.com/i/oauth2/authorize?${q}`), { method: 'POST', body: new URLSearchParams({ decision: 'allow', persona: 'x-nobody' }) });
    expect(unknownPersona.status).toBe(400);
  });
});
