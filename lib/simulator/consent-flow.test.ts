import { describe, expect, it } from 'vitest';
import { SIMULATOR_CREDENTIALS } from './credentials';
import { simulateConsent } from './consent-driver';
import { createSimulatorFetch, toSimulatorUrl } from './fetch';
import { createSimulatorState } from './state';
import { createSimulatorTestClient, TEST_REDIRECT_URI } from './test-client';

/** The authorization endpoint's refusals and defaults, as the browser (and so the app's callback) sees them. */
const AMAZON = 'https://www.amazon.com/ap/oa';
const X = 'https://x.com/i/oauth2/authorize';
const META = 'https://www.facebook.com/v25.0/dialog/oauth';
const amazonQuery = (extra: Record<string, string> = {}) =>
  new URLSearchParams({ client_id: SIMULATOR_CREDENTIALS['amazon-ads'].clientId, scope: 'advertising::campaign_management', response_type: 'code', redirect_uri: TEST_REDIRECT_URI, state: 's', ...extra });
const xQuery = (extra: Record<string, string> = {}) =>
  new URLSearchParams({ client_id: SIMULATOR_CREDENTIALS.x.clientId, scope: 'users.read', response_type: 'code', redirect_uri: TEST_REDIRECT_URI, state: 's', code_challenge: 'c'.repeat(43), code_challenge_method: 'S256', ...extra });
const errorOf = (res: Response) => Object.fromEntries(new URL(res.headers.get('location')!).searchParams);

describe('simulated consent: refusals', () => {
  it('shows an error page (no redirect) for a missing client_id, a missing or fragment redirect_uri, and an unregistered one', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    const noClient = amazonQuery();
    noClient.delete('client_id');
    const noRedirect = amazonQuery();
    noRedirect.delete('redirect_uri');
    const cases: [URLSearchParams, string][] = [
      [noClient, 'The request is missing client_id.'],
      [noRedirect, 'The request is missing redirect_uri.'],
      [amazonQuery({ redirect_uri: `${TEST_REDIRECT_URI}#frag` }), 'redirect_uri must be an absolute http(s) URL without a fragment.'],
      [amazonQuery({ redirect_uri: 'ftp://app.test/cb' }), 'redirect_uri must be an absolute http(s) URL without a fragment.'],
      [amazonQuery({ redirect_uri: 'http://evil.test/cb' }), `The redirect_uri is not registered for this app. Registered: ${TEST_REDIRECT_URI}.`],
    ];
    for (const [q, message] of cases) {
      const res = await sim.get(`${AMAZON}?${q}`);
      expect(res.status, message).toBe(400);
      expect(res.headers.has('location')).toBe(false);
      expect(await res.text(), message).toContain(message);
    }
  });

  it('the consent driver fails loudly with the status and page text when the page does not redirect', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    const q = amazonQuery({ redirect_uri: 'http://evil.test/cb' });
    await expect(simulateConsent(sim.fetch, sim.url(`${AMAZON}?${q}`))).rejects.toThrow(/^The simulated consent did not redirect \(HTTP 400\): </);
  });

  it('says “none” when the app has no registered redirect_uri', async () => {
    const state = createSimulatorState();
    const fetchSim = createSimulatorFetch(state, { origin: 'http://sim.test', context: { redirectUris: () => [] } });
    const res = await fetchSim(toSimulatorUrl('http://sim.test', 'amazon-ads', `${AMAZON}?${amazonQuery()}`));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Registered: none.');
  });

  it('sends a missing scope, a missing PKCE challenge (X) and an unknown challenge method back to the redirect_uri', async () => {
    const sim = createSimulatorTestClient('x');
    const noScope = xQuery();
    noScope.delete('scope');
    expect(errorOf(await sim.get(`${X}?${noScope}`))).toEqual({ error: 'invalid_request', error_description: 'A required parameter "scope" is missing', state: 's' });
    const noChallenge = xQuery();
    noChallenge.delete('code_challenge');
    expect(errorOf(await sim.get(`${X}?${noChallenge}`))).toMatchObject({ error: 'invalid_request', error_description: 'Missing required parameter [code_challenge].' });
    expect(errorOf(await sim.get(`${X}?${xQuery({ code_challenge_method: 'S512' })}`))).toMatchObject({ error: 'invalid_request', error_description: 'code_challenge_method must be S256 or plain' });
  });

  it('omits state from the redirect when the request had none', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    const q = amazonQuery({ response_type: 'token' });
    q.delete('state');
    const res = await sim.get(`${AMAZON}?${q}`);
    expect(res.status).toBe(302);
    expect(errorOf(res)).toEqual({ error: 'unsupported_response_type', error_description: 'response_type must be code' });
  });

  it('refuses a POST without a decision with the brand’s own deny wording, and a deny redirects with the provider’s denial', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    const post = (form: Record<string, string>) => sim.fetch(sim.url(`${AMAZON}?${amazonQuery()}`), { method: 'POST', body: new URLSearchParams(form) });
    const undecided = await post({ decision: 'maybe' });
    expect(undecided.status).toBe(400);
    expect(await undecided.text()).toMatch(/Choose Allow or \w+/);
    expect(errorOf(await post({ decision: 'deny' }))).toEqual({ error: 'access_denied', error_description: 'The user denied the request.', state: 's' });
  });
});

describe('simulated consent: defaults', () => {
  it('an approval without a persona picks the first simulated account', async () => {
    const sim = createSimulatorTestClient('amazon-ads');
    const res = await sim.fetch(sim.url(`${AMAZON}?${amazonQuery()}`), { method: 'POST', body: new URLSearchParams({ decision: 'allow' }) });
    const code = errorOf(res).code!;
    expect(sim.state.codes.get(code)?.personaId).toBe('amazon-avery');
  });

  it('Meta: response_type defaults to code and config_id stands in for scope [M3]', async () => {
    const sim = createSimulatorTestClient('meta');
    const q = new URLSearchParams({ client_id: SIMULATOR_CREDENTIALS.meta.clientId, redirect_uri: TEST_REDIRECT_URI, config_id: '123456' });
    const res = await sim.fetch(sim.url(`${META}?${q}`), { method: 'POST', body: new URLSearchParams({ decision: 'allow' }) });
    expect(res.status).toBe(302);
    const code = errorOf(res).code!;
    expect(sim.state.codes.get(code)?.scopes).toEqual(expect.arrayContaining(['ads_read', 'pages_show_list']));
    const bare = new URLSearchParams({ client_id: SIMULATOR_CREDENTIALS.meta.clientId, redirect_uri: TEST_REDIRECT_URI });
    expect(errorOf(await sim.get(`${META}?${bare}`))).toMatchObject({ error: 'invalid_request' });
  });
});
