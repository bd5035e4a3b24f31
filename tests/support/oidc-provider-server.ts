import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Provider } from 'oidc-provider';

/**
 * A certified OpenID Provider (panva's oidc-provider v9) on 127.0.0.1, for testing the generic
 * OAuth engine against a server nobody here wrote. Plain http is accepted for the issuer; the
 * dev interactions (any login, one consent button) stand in for the user.
 */

export const OP_CLIENT = { id: 'grantkeeper', secret: 'grantkeeper-secret-with-:+/-chars' };
export const OP_REDIRECT_URI = 'http://127.0.0.1/callback';
export const OP_USER = { login: 'ada', name: 'Ada Lovelace', email: 'ada@example.com' };

export interface OpenIdProvider {
  issuer: string;
  close(): Promise<void>;
}

export async function startOpenIdProvider(): Promise<OpenIdProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: OP_CLIENT.id,
        client_secret: OP_CLIENT.secret,
        redirect_uris: [OP_REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    // S256 is the only method v9 implements; required for this confidential client too.
    pkce: { required: () => true },
    rotateRefreshToken: true,
    issueRefreshToken: () => true,
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    claims: { openid: ['sub'], profile: ['name'], email: ['email'] },
    features: {
      devInteractions: { enabled: true },
      revocation: { enabled: true, allowedPolicy: (_ctx: unknown, client: { clientId: string }, token: { clientId: string }) => token.clientId === client.clientId },
      userinfo: { enabled: true },
    },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, RefreshToken: 3600, IdToken: 600, AuthorizationCode: 60 },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, name: OP_USER.name, email: OP_USER.email }),
    }),
    cookies: { keys: ['integration-test-cookie-key'] },
  });
  server.on('request', provider.callback());

  return {
    issuer,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

/**
 * Plays the user in a browser: follows redirects with a cookie jar, signs in and consents on the
 * dev interaction pages, and returns the redirect back to the client (code, state, iss).
 */
export async function authorizeAsUser(authorizationUrl: string, jar = new Map<string, string>()): Promise<URL> {
  let url = authorizationUrl;
  let form: URLSearchParams | undefined;
  for (let step = 0; step < 12; step++) {
    const response = await fetch(url, {
      method: form ? 'POST' : 'GET',
      body: form,
      redirect: 'manual',
      headers: { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const [name = '', value = ''] = pair.split(/=(.*)/s);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(cookie)) jar.delete(name);
      else jar.set(name, value);
    }
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      const next = new URL(location, url);
      if (next.href.startsWith(OP_REDIRECT_URI)) return next;
      url = next.href;
      form = undefined;
      continue;
    }
    const html = await response.text();
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!prompt || !action) throw new Error(`unexpected page from the OP (HTTP ${response.status}): ${html.slice(0, 300)}`);
    url = new URL(action, url).href;
    form = new URLSearchParams(prompt === 'login' ? { prompt, login: OP_USER.login, password: 'any' } : { prompt });
  }
  throw new Error('the authorization did not come back to the redirect URI');
}
