import { describe, expect, it } from 'vitest';
import { SIMULATOR_CREDENTIALS } from './credentials';
import { createSimulatorTestClient, TEST_REDIRECT_URI, type SimulatorTestClient } from './test-client';

/** Meta's /oauth/access_token refusals, each with Graph's code and subcode (providers.md §4, [M2][M12][M16]). */
const { clientId, clientSecret } = SIMULATOR_CREDENTIALS.meta;
const GRAPH = 'https://graph.facebook.com/v25.0';
const DIALOG = 'https://www.facebook.com/v25.0/dialog/oauth';

async function code(sim: SimulatorTestClient) {
  const target = await sim.consent(DIALOG, { client_id: clientId, redirect_uri: TEST_REDIRECT_URI, state: 's', scope: 'ads_read,pages_show_list' });
  return target.searchParams.get('code') ?? '';
}
const token = (sim: SimulatorTestClient, params: Record<string, string>) => sim.get(`${GRAPH}/oauth/access_token?${new URLSearchParams(params)}`);
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: number; error_subcode?: number; message: string } }).error;

describe('simulator Meta token endpoint refusals', () => {
  it('refuses a missing or unknown app id with code 101, an unsupported grant type and a missing code', async () => {
    const sim = createSimulatorTestClient('meta');
    expect(await errorOf(await token(sim, { client_secret: clientSecret, code: 'x' }))).toMatchObject({ code: 101, message: 'Missing client_id parameter.' });
    expect(await errorOf(await token(sim, { client_id: '999', client_secret: clientSecret, code: 'x' }))).toMatchObject({ code: 101, message: 'Error validating application. Invalid application ID.' });
    expect(await errorOf(await token(sim, { client_id: clientId, client_secret: clientSecret, grant_type: 'client_credentials' }))).toMatchObject({ code: 100, message: 'Unsupported grant_type.' });
    expect(await errorOf(await token(sim, { client_id: clientId, client_secret: clientSecret, redirect_uri: TEST_REDIRECT_URI }))).toMatchObject({ code: 1, message: 'Missing authorization code' });
    expect(sim.state.stats.meta.tokenCalls.authorization_code).toMatchObject({ missing_client_id: 1, invalid_client_id: 1, missing_code: 1 });
  });

  it('tells an expired code (36007), another redirect_uri (36008) and a garbled code apart', async () => {
    const sim = createSimulatorTestClient('meta');
    const base = { client_id: clientId, client_secret: clientSecret, redirect_uri: TEST_REDIRECT_URI };
    const wrongRedirect = await token(sim, { ...base, code: await code(sim), redirect_uri: 'http://elsewhere.test/cb' });
    expect(await errorOf(wrongRedirect)).toMatchObject({ code: 100, error_subcode: 36008 });
    const late = await code(sim);
    sim.advance(11 * 60);
    expect(await errorOf(await token(sim, { ...base, code: late }))).toMatchObject({ code: 100, error_subcode: 36007, message: 'This authorization code has expired.' });
    const garbled = await errorOf(await token(sim, { ...base, code: 'AQnot-a-code' }));
    expect(garbled).toEqual(expect.objectContaining({ code: 100, message: 'Invalid verification code format.' }));
    expect(garbled).not.toHaveProperty('error_subcode');
  });

  it('refuses to exchange a Page token for a long-lived one (190)', async () => {
    const sim = createSimulatorTestClient('meta');
    const short = (await (await token(sim, { client_id: clientId, client_secret: clientSecret, redirect_uri: TEST_REDIRECT_URI, code: await code(sim) })).json()) as { access_token: string };
    const pages = (await (await sim.get(`${GRAPH}/me/accounts?access_token=${encodeURIComponent(short.access_token)}`)).json()) as { data: { access_token: string }[] };
    const res = await token(sim, { grant_type: 'fb_exchange_token', client_id: clientId, client_secret: clientSecret, fb_exchange_token: pages.data[0]!.access_token });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: 190, message: 'Error validating access token: the token does not belong to this application.' });
  });
});
