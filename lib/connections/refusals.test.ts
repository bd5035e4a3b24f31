import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthorization } from '@/lib/connections/authorize';
import { completeAuthorization } from '@/lib/connections/callback';
import { disconnectConnection } from '@/lib/connections/disconnect';
import { FlowError } from '@/lib/connections/outcomes';
import { parseEnv } from '@/lib/env';
import { encryptToken } from '@/lib/tokens/keys';
import { createTestDatabase, type TestDatabase } from '@/tests/support/databases';
import { insertConnection, insertUser } from '@/tests/support/fixtures';

/**
 * Connect and disconnect when the provider cannot be used: the paths connect-flow.test.ts (which
 * always has the simulator) does not reach. One PGlite database for both.
 */

const ORIGIN = 'http://grantkeeper.test';
const KEYS = { ENCRYPTION_KEYS: process.env.ENCRYPTION_KEYS };
let t: TestDatabase;
const calls: string[] = [];
const recordingFetch = (async (input: RequestInfo | URL) => {
  calls.push(input instanceof Request ? input.url : String(input));
  throw new TypeError('fetch failed');
}) as typeof fetch;

beforeAll(async () => {
  t = await createTestDatabase('pglite');
  await insertUser(t.db, 'dana');
});
afterAll(() => t.dispose());

const row = async (id: string) =>
  (await t.db.query<{ status: string; access_token_enc: string | null; refresh_token_enc: string | null }>(
    'select status, access_token_enc, refresh_token_enc from connections where id = $1',
    [id],
  ))[0];
const audits = async (id: string) =>
  t.db.query<{ outcome: string; detail: Record<string, unknown> }>(
    `select outcome, detail from audit_events where connection_id = $1 and action = 'connection.disconnected' order by id`,
    [id],
  );
const withTokens = (provider: string) =>
  insertConnection(t.db, { userId: 'dana', provider, accessTokenEnc: encryptToken('at-secret'), refreshTokenEnc: encryptToken('rt-secret') });

describe('disconnect without a reachable provider', () => {
  it('erases the tokens anyway when the provider is no longer configured, and audits the failure', async () => {
    const id = await withTokens('x');
    const env = parseEnv({ SIMULATOR: 'off', ...KEYS });
    calls.length = 0;
    const out = await disconnectConnection({ db: t.db, env, userId: 'dana', connectionId: id, origin: ORIGIN, fetch: recordingFetch });
    expect(out).toEqual({ revokedAtProvider: false, alreadyRevoked: false, providerError: 'provider_not_configured' });
    expect(calls).toEqual([]);
    expect(await row(id)).toEqual({ status: 'revoked', access_token_enc: null, refresh_token_enc: null });
    expect(await audits(id)).toEqual([
      { outcome: 'failure', detail: { provider: 'x', revokedAtProvider: false, providerError: 'provider_not_configured', tokensErased: true } },
    ]);
  });

  it('erases the tokens when the OIDC issuer cannot be reached, saying the provider was unavailable', async () => {
    const id = await withTokens('oidc');
    const env = parseEnv({ SIMULATOR: 'off', OIDC_ISSUER: 'https://id.example.com', OIDC_CLIENT_ID: 'c', OIDC_CLIENT_SECRET: 's', ...KEYS });
    calls.length = 0;
    const out = await disconnectConnection({ db: t.db, env, userId: 'dana', connectionId: id, origin: ORIGIN, fetch: recordingFetch });
    expect(out.providerError).toBe('provider_unavailable');
    expect(calls).toEqual(['https://id.example.com/.well-known/openid-configuration']);
    expect(await row(id)).toEqual({ status: 'revoked', access_token_enc: null, refresh_token_enc: null });
    expect(JSON.stringify(await audits(id))).not.toContain('secret');
  });

  it('a connection that holds no tokens is marked revoked without calling the provider, as a success', async () => {
    const id = await insertConnection(t.db, { userId: 'dana', provider: 'x' });
    calls.length = 0;
    const out = await disconnectConnection({ db: t.db, env: parseEnv({ SIMULATOR: 'on', ...KEYS }), userId: 'dana', connectionId: id, origin: ORIGIN, fetch: recordingFetch });
    expect(out).toEqual({ revokedAtProvider: false, alreadyRevoked: false });
    expect(calls).toEqual([]);
    expect((await row(id))?.status).toBe('revoked');
    expect((await audits(id)).map((a) => a.outcome)).toEqual(['success']);

    // Disconnecting it again changes nothing and audits nothing more.
    const again = await disconnectConnection({ db: t.db, env: parseEnv({ SIMULATOR: 'on', ...KEYS }), userId: 'dana', connectionId: id, origin: ORIGIN, fetch: recordingFetch });
    expect(again).toEqual({ revokedAtProvider: false, alreadyRevoked: true });
    expect(await audits(id)).toHaveLength(1);
  });
});

describe('starting a connection that cannot start', () => {
  const start = (over: Partial<Parameters<typeof startAuthorization>[0]> = {}) =>
    startAuthorization({
      db: t.db, env: parseEnv({ SIMULATOR: 'on', ...KEYS }), userId: 'dana', provider: 'amazon-ads', origin: ORIGIN, returnPath: '/', fetch: recordingFetch, ...over,
    }).then(
      () => undefined,
      (err: unknown) => err,
    );
  const states = async () => Number((await t.db.query<{ n: number }>('select count(*)::int as n from oauth_states'))[0]!.n);

  it('refuses an unconfigured provider, an unreachable OIDC issuer, and an unknown region, storing no state', async () => {
    const before = await states();
    expect(await start({ env: parseEnv({ SIMULATOR: 'off', ...KEYS }) })).toMatchObject({ outcome: 'not_configured' });
    const oidcEnv = parseEnv({ SIMULATOR: 'off', OIDC_ISSUER: 'https://id.example.com', OIDC_CLIENT_ID: 'c', OIDC_CLIENT_SECRET: 's', ...KEYS });
    const unreachable = await start({ env: oidcEnv, provider: 'oidc' });
    expect(unreachable).toBeInstanceOf(FlowError);
    expect(unreachable).toMatchObject({ outcome: 'provider_unavailable' });
    expect(await start({ region: 'mars' as never })).toMatchObject({ outcome: 'bad_region' });
    expect(await states()).toBe(before);
  });

  it('reconnecting needs a connection of this user and this provider', async () => {
    const x = await insertConnection(t.db, { userId: 'dana', provider: 'x' });
    const before = await states();
    expect(await start({ connectionId: x })).toMatchObject({ outcome: 'not_found' });
    expect(await start({ connectionId: '00000000-0000-0000-0000-000000000000' })).toMatchObject({ outcome: 'not_found' });
    expect(await states()).toBe(before);
    // The same connection with its own provider starts a reconnect.
    const url = await startAuthorization({ db: t.db, env: parseEnv({ SIMULATOR: 'on', ...KEYS }), userId: 'dana', provider: 'x', origin: ORIGIN, returnPath: '/', connectionId: x });
    expect(new URL(url).searchParams.get('state')).toBeTruthy();
    expect(await states()).toBe(before + 1);
  });
});

describe('a callback whose provider cannot finish the exchange', () => {
  const simOn = () => parseEnv({ SIMULATOR: 'on', ...KEYS });
  const begin = async () => {
    const url = new URL(await startAuthorization({ db: t.db, env: simOn(), userId: 'dana', provider: 'x', origin: ORIGIN, returnPath: '/' }));
    return new URLSearchParams({ state: url.searchParams.get('state')!, code: 'sim-code' });
  };
  const finish = (query: URLSearchParams, env = simOn()) =>
    completeAuthorization({ db: t.db, env, provider: 'x', sessionUserId: 'dana', query, origin: ORIGIN, fetch: recordingFetch }).then(
      () => undefined,
      (err: unknown) => err,
    );
  const lastCallback = async () =>
    (await t.db.query<{ outcome: string; detail: { outcome: string; reason: string } }>(
      `select outcome, detail from audit_events where action = 'oauth.callback' and user_id = 'dana' order by id desc limit 1`,
    ))[0];
  const connections = async () => Number((await t.db.query<{ n: number }>(`select count(*)::int as n from connections where user_id = 'dana'`))[0]!.n);

  it('a provider unconfigured since the start is refused as not_configured, audited, nothing stored', async () => {
    const query = await begin();
    const before = await connections();
    calls.length = 0;
    expect(await finish(query, parseEnv({ SIMULATOR: 'off', ...KEYS }))).toMatchObject({ outcome: 'not_configured' });
    expect(calls).toEqual([]);
    expect(await lastCallback()).toMatchObject({ outcome: 'denied', detail: { outcome: 'not_configured', reason: 'provider_not_configured' } });
    expect(await connections()).toBe(before);
  });

  it('a token endpoint that cannot be reached is provider_unavailable (try again), not a failed exchange', async () => {
    const query = await begin();
    const before = await connections();
    calls.length = 0;
    expect(await finish(query)).toMatchObject({ outcome: 'provider_unavailable' });
    expect(calls).toHaveLength(1);
    expect(await lastCallback()).toMatchObject({ detail: { outcome: 'provider_unavailable', reason: 'network' } });
    expect(await connections()).toBe(before);
  });
});
