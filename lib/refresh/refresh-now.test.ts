import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Database } from '../db';
import type { Env } from '../env';

/** "Refresh now" in words (issue 11 §6): each outcome of a forced refresh, as the dashboard and API report it. */

const getFreshAccessToken = vi.hoisted(() => vi.fn());
vi.mock('./fresh-token', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./fresh-token')>()),
  getFreshAccessToken,
}));

const { refreshNow } = await import('./refresh-now');
const { TokenUnavailable } = await import('./fresh-token');

const expiresAt = new Date('2026-12-03T05:00:00Z');
const input = {
  db: {} as Database,
  env: {} as Env,
  userId: 'u1',
  connectionId: 'c1',
  origin: 'http://localhost:3000',
};

beforeEach(() => getFreshAccessToken.mockReset());

describe('refreshNow', () => {
  it('forces a refresh through the lease as the user, waiting for one in flight', async () => {
    getFreshAccessToken.mockResolvedValue({ expiresAt, outcome: { kind: 'refreshed', recovered: false } });
    expect(await refreshNow(input)).toEqual({ ok: true, kind: 'refreshed', expiresAt: expiresAt.toISOString(), message: 'Token refreshed.' });
    expect(getFreshAccessToken).toHaveBeenCalledWith(expect.objectContaining({ actor: 'user', force: true, waitMs: 20_000, connectionId: 'c1' }));
  });

  it('reports a refresh another process finished meanwhile as already fresh', async () => {
    getFreshAccessToken.mockResolvedValue({ expiresAt });
    expect(await refreshNow(input)).toMatchObject({ ok: true, kind: 'already_fresh', message: 'Token refreshed.' });
  });

  it.each(['retrying', 'error'] as const)('a provider %s keeps the current token and names the error code', async (kind) => {
    getFreshAccessToken.mockResolvedValue({ expiresAt, outcome: { kind, errorCode: 'provider_http_503', retryInSec: 60 } });
    expect(await refreshNow(input)).toEqual({
      ok: false,
      kind,
      message: 'The provider did not refresh the token (provider_http_503); the current token stays valid until it expires.',
    });
  });

  it('new tokens that could not be stored yet are reported as retrying', async () => {
    getFreshAccessToken.mockResolvedValue({ expiresAt, outcome: { kind: 'deferred' } });
    expect(await refreshNow(input)).toMatchObject({ ok: false, kind: 'retrying', message: expect.stringMatching(/kept and applied shortly/) });
  });

  it('a lease lost or skipped still serves a valid token: "The token is valid."', async () => {
    getFreshAccessToken.mockResolvedValue({ expiresAt, outcome: { kind: 'skipped' } });
    expect(await refreshNow(input)).toEqual({ ok: true, kind: 'already_fresh', expiresAt: expiresAt.toISOString(), message: 'The token is valid.' });
  });

  it('a token that cannot be had is reported with its code and message; other errors propagate', async () => {
    getFreshAccessToken.mockRejectedValueOnce(new TokenUnavailable('needs_reauth', 'Reconnect this account.'));
    expect(await refreshNow(input)).toEqual({ ok: false, kind: 'needs_reauth', message: 'Reconnect this account.' });
    getFreshAccessToken.mockRejectedValueOnce(new Error('db down'));
    await expect(refreshNow(input)).rejects.toThrow('db down');
  });
});
