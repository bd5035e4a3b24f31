import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FlowError, OUTCOMES } from '../connections/outcomes';
import { AppError } from '../http/errors';

/**
 * What each dashboard action tells the user (issue 11 §6). The lib calls behind an action have
 * their own tests against a database; here they are stubbed so each answer the action can give
 * (signed out, bad input, each outcome, an AppError, a crash) is checked in words, with the
 * re-render that follows a change.
 */

const m = vi.hoisted(() => ({
  user: { id: 'user-1', mode: 'local' } as { id: string; mode: string } | null,
  env: { rateLimits: {}, insights: { enabled: true }, auth: { mode: 'local' } },
  headers: new Headers({ 'x-request-id': 'req-1' }),
  revalidatePath: vi.fn(),
  refresh: vi.fn(),
  limitAction: vi.fn(),
  createApiKey: vi.fn(),
  revokeApiKey: vi.fn(),
  saveWebhookEndpoint: vi.fn(),
  deleteWebhookEndpoint: vi.fn(),
  sendTestNotification: vi.fn(),
  disconnectConnection: vi.fn(),
  refreshNow: vi.fn(),
  setConnectionListed: vi.fn(),
  queueSyncNow: vi.fn(),
  advanceInsightsNow: vi.fn(),
  afterResponse: vi.fn(),
}));

vi.mock('next/headers', () => ({ headers: async () => m.headers }));
vi.mock('next/cache', () => ({ revalidatePath: m.revalidatePath, refresh: m.refresh }));
vi.mock('../auth/session', () => ({ getSessionUser: async () => m.user }));
vi.mock('../db', () => ({ getDb: async () => ({ db: 'stub' }) }));
vi.mock('../env', () => ({ getEnv: () => m.env }));
vi.mock('../http/server-origin', () => ({ serverOrigin: async () => 'http://localhost:3000' }));
vi.mock('../http/after-response', () => ({ afterResponse: m.afterResponse }));
vi.mock('../rate-limit/enforce', () => ({ limitAction: m.limitAction }));
vi.mock('../api-keys/keys', () => ({ createApiKey: m.createApiKey, revokeApiKey: m.revokeApiKey }));
vi.mock('../notifications/endpoint', () => ({
  saveWebhookEndpoint: m.saveWebhookEndpoint,
  deleteWebhookEndpoint: m.deleteWebhookEndpoint,
}));
vi.mock('../notifications/test-event', () => ({ sendTestNotification: m.sendTestNotification }));
vi.mock('../connections/disconnect', () => ({ disconnectConnection: m.disconnectConnection }));
vi.mock('../refresh/refresh-now', () => ({ refreshNow: m.refreshNow }));
vi.mock('../connections/list-visibility', () => ({ setConnectionListed: m.setConnectionListed }));
vi.mock('../insights/queue', () => ({ queueSyncNow: m.queueSyncNow }));
vi.mock('../insights/sweep', () => ({ advanceInsightsNow: m.advanceInsightsNow }));

const { createApiKeyAction } = await import('./create-api-key');
const { revokeApiKeyAction } = await import('./revoke-api-key');
const { saveWebhookEndpointAction } = await import('./save-webhook-endpoint');
const { deleteWebhookEndpointAction } = await import('./delete-webhook-endpoint');
const { sendTestNotificationAction } = await import('./send-test-notification');
const { disconnectConnectionAction } = await import('./disconnect-connection');
const { refreshConnectionAction } = await import('./refresh-connection');
const { setConnectionListedAction } = await import('./set-connection-listed');
const { syncConnectionAction } = await import('./sync-connection');

const CONNECTION = '7b0c6f4e-3c1a-4a57-9d49-5b1f0f1c2a11';

beforeEach(() => {
  vi.clearAllMocks();
  m.user = { id: 'user-1', mode: 'local' };
  m.env.insights.enabled = true;
  m.limitAction.mockResolvedValue(null);
});

describe('every dashboard action refuses a signed-out visitor without touching anything', () => {
  it.each([
    ['createApiKeyAction', () => createApiKeyAction('ci')],
    ['revokeApiKeyAction', () => revokeApiKeyAction('k1')],
    ['saveWebhookEndpointAction', () => saveWebhookEndpointAction({ url: 'https://example.com/hook' })],
    ['deleteWebhookEndpointAction', () => deleteWebhookEndpointAction()],
    ['sendTestNotificationAction', () => sendTestNotificationAction()],
    ['disconnectConnectionAction', () => disconnectConnectionAction(CONNECTION)],
    ['refreshConnectionAction', () => refreshConnectionAction(CONNECTION)],
    ['setConnectionListedAction', () => setConnectionListedAction(CONNECTION, false)],
    ['syncConnectionAction', () => syncConnectionAction(CONNECTION)],
  ])('%s says "Sign in first."', async (_name, call) => {
    m.user = null;
    const result = await call();
    expect(result).toMatchObject({ ok: false, message: 'Sign in first.' });
    for (const fn of [m.createApiKey, m.revokeApiKey, m.saveWebhookEndpoint, m.deleteWebhookEndpoint, m.sendTestNotification]) {
      expect(fn).not.toHaveBeenCalled();
    }
    for (const fn of [m.disconnectConnection, m.refreshNow, m.setConnectionListed, m.queueSyncNow, m.limitAction]) {
      expect(fn).not.toHaveBeenCalled();
    }
    expect(m.revalidatePath).not.toHaveBeenCalled();
    expect(m.refresh).not.toHaveBeenCalled();
  });
});

describe('createApiKeyAction', () => {
  it('returns the key once with the copy-it-now message, and re-renders settings', async () => {
    m.createApiKey.mockResolvedValue({ id: 'k1', name: 'ci', prefix: 'abcd', key: 'gk_abcd_secret' });
    const result = await createApiKeyAction('ci');
    expect(result).toEqual({
      ok: true,
      message: 'API key created. Copy it now: it is not shown again.',
      id: 'k1',
      name: 'ci',
      prefix: 'abcd',
      key: 'gk_abcd_secret',
    });
    expect(m.createApiKey).toHaveBeenCalledWith(expect.anything(), { userId: 'user-1', name: 'ci', requestId: 'req-1' });
    expect(m.revalidatePath).toHaveBeenCalledWith('/settings');
  });

  it('asks for a name when the form sends none', async () => {
    expect(await createApiKeyAction(undefined as unknown as string)).toEqual({ ok: false, message: 'Give the key a name.' });
    expect(m.createApiKey).not.toHaveBeenCalled();
  });

  it('reports the rate limit as a toast and creates nothing', async () => {
    m.limitAction.mockResolvedValue('Too many requests. Try again in 30 seconds.');
    const result = await createApiKeyAction('ci');
    expect(result).toEqual({ ok: false, message: 'Too many requests. Try again in 30 seconds.', rateLimited: true });
    expect(m.limitAction).toHaveBeenCalledWith(expect.anything(), expect.objectContaining({ name: 'api_key_create', subject: 'user-1' }));
    expect(m.createApiKey).not.toHaveBeenCalled();
  });

  it('shows an AppError in words and lets any other error through', async () => {
    m.createApiKey.mockRejectedValueOnce(new AppError('conflict', 'You already have 20 API keys.'));
    expect(await createApiKeyAction('ci')).toEqual({ ok: false, message: 'You already have 20 API keys.' });
    m.createApiKey.mockRejectedValueOnce(new Error('connection reset'));
    await expect(createApiKeyAction('ci')).rejects.toThrow('connection reset');
    expect(m.revalidatePath).not.toHaveBeenCalled();
  });
});

describe('revokeApiKeyAction', () => {
  it('names the revoked key by its prefix only', async () => {
    m.revokeApiKey.mockResolvedValue({ prefix: 'abcd' });
    const result = await revokeApiKeyAction('k1');
    expect(result.ok).toBe(true);
    expect(result.message).toMatch(/^API key gk_abcd_… revoked\./);
    expect(m.revokeApiKey).toHaveBeenCalledWith(expect.anything(), { userId: 'user-1', id: 'k1', requestId: 'req-1' });
    expect(m.revalidatePath).toHaveBeenCalledWith('/settings');
  });

  it('answers "No such API key." to a non-string id', async () => {
    expect(await revokeApiKeyAction(7 as unknown as string)).toEqual({ ok: false, message: 'No such API key.' });
    expect(m.revokeApiKey).not.toHaveBeenCalled();
  });

  it('shows an AppError in words and lets any other error through', async () => {
    m.revokeApiKey.mockRejectedValueOnce(new AppError('not_found', 'No such API key.'));
    expect(await revokeApiKeyAction('k1')).toEqual({ ok: false, message: 'No such API key.' });
    m.revokeApiKey.mockRejectedValueOnce(new Error('boom'));
    await expect(revokeApiKeyAction('k1')).rejects.toThrow('boom');
  });
});

describe('saveWebhookEndpointAction', () => {
  it('on first save shows the secret once', async () => {
    m.saveWebhookEndpoint.mockResolvedValue({ created: true, url: 'https://example.com/hook', secret: 'whsec_x' });
    expect(await saveWebhookEndpointAction({ url: 'https://example.com/hook' })).toEqual({
      ok: true,
      message: 'Webhook endpoint saved. Copy the signing secret now: it is not shown again.',
      url: 'https://example.com/hook',
      secret: 'whsec_x',
    });
    expect(m.revalidatePath).toHaveBeenCalledWith('/settings');
  });

  it('on rotation shows the new secret once', async () => {
    m.saveWebhookEndpoint.mockResolvedValue({ created: false, url: 'https://example.com/hook', secret: 'whsec_y' });
    const result = await saveWebhookEndpointAction({ url: 'https://example.com/hook', rotateSecret: true });
    expect(result).toMatchObject({ ok: true, message: 'Signing secret rotated. Copy it now: it is not shown again.', secret: 'whsec_y' });
    expect(m.saveWebhookEndpoint).toHaveBeenCalledWith(expect.anything(), expect.objectContaining({ rotateSecret: true }));
  });

  it('on a URL change says the secret is unchanged and returns none', async () => {
    m.saveWebhookEndpoint.mockResolvedValue({ created: false, url: 'https://example.com/new' });
    const result = await saveWebhookEndpointAction({ url: 'https://example.com/new' });
    expect(result).toEqual({ ok: true, message: 'Webhook URL updated. The signing secret is unchanged.', url: 'https://example.com/new' });
    expect(result).not.toHaveProperty('secret');
  });

  it('asks for a URL when the input is not one, shows an AppError, rethrows others', async () => {
    expect(await saveWebhookEndpointAction({ url: 42 } as unknown as { url: string })).toEqual({ ok: false, message: 'Enter a URL.' });
    expect(m.saveWebhookEndpoint).not.toHaveBeenCalled();
    m.saveWebhookEndpoint.mockRejectedValueOnce(new AppError('bad_request', 'Use an https:// URL.'));
    expect(await saveWebhookEndpointAction({ url: 'http://x' })).toEqual({ ok: false, message: 'Use an https:// URL.' });
    m.saveWebhookEndpoint.mockRejectedValueOnce(new Error('db down'));
    await expect(saveWebhookEndpointAction({ url: 'https://x' })).rejects.toThrow('db down');
  });
});

describe('deleteWebhookEndpointAction', () => {
  it('removes the endpoint and says no more events will be sent', async () => {
    m.deleteWebhookEndpoint.mockResolvedValue(undefined);
    expect(await deleteWebhookEndpointAction()).toEqual({ ok: true, message: 'Webhook endpoint removed. No more events will be sent.' });
    expect(m.deleteWebhookEndpoint).toHaveBeenCalledWith(expect.anything(), { userId: 'user-1', requestId: 'req-1' });
    expect(m.revalidatePath).toHaveBeenCalledWith('/settings');
  });

  it('shows an AppError in words and lets any other error through', async () => {
    m.deleteWebhookEndpoint.mockRejectedValueOnce(new AppError('not_found', 'No webhook endpoint is set.'));
    expect(await deleteWebhookEndpointAction()).toEqual({ ok: false, message: 'No webhook endpoint is set.' });
    m.deleteWebhookEndpoint.mockRejectedValueOnce(new Error('db down'));
    await expect(deleteWebhookEndpointAction()).rejects.toThrow('db down');
  });
});

describe('sendTestNotificationAction', () => {
  it.each([
    [{ status: 'delivered', statusCode: 204 }, { ok: true, message: 'Test event delivered (HTTP 204).' }],
    [{ status: 'queued' }, { ok: true, message: 'Test event queued; it is being delivered.' }],
    [
      { status: 'retrying', error: 'The receiver answered HTTP 500' },
      { ok: false, message: 'Test event not delivered. The receiver answered HTTP 500. It will be retried.' },
    ],
    [{ status: 'failed', error: 'The receiver timed out' }, { ok: false, message: 'Test event not delivered. The receiver timed out.' }],
    [{ status: 'failed' }, { ok: false, message: 'Test event not delivered. No answer.' }],
  ])('%o is reported as %o', async (outcome, expected) => {
    m.sendTestNotification.mockResolvedValue(outcome);
    expect(await sendTestNotificationAction()).toEqual(expected);
    expect(m.revalidatePath).toHaveBeenCalledWith('/settings');
  });

  it('reports the rate limit as a toast and sends nothing', async () => {
    m.limitAction.mockResolvedValue('Slow down.');
    expect(await sendTestNotificationAction()).toEqual({ ok: false, message: 'Slow down.', rateLimited: true });
    expect(m.sendTestNotification).not.toHaveBeenCalled();
  });

  it('shows an AppError in words and lets any other error through', async () => {
    m.sendTestNotification.mockRejectedValueOnce(new AppError('not_found', 'Set a webhook endpoint first.'));
    expect(await sendTestNotificationAction()).toEqual({ ok: false, message: 'Set a webhook endpoint first.' });
    m.sendTestNotification.mockRejectedValueOnce(new Error('db down'));
    await expect(sendTestNotificationAction()).rejects.toThrow('db down');
  });
});

describe('disconnectConnectionAction', () => {
  it('refuses an id that is not a uuid as a missing connection', async () => {
    expect(await disconnectConnectionAction('../etc')).toEqual({ ok: false, message: OUTCOMES.not_found.message });
    expect(m.disconnectConnection).not.toHaveBeenCalled();
  });

  it.each([
    [{ alreadyRevoked: true }, { ok: true, message: 'Already disconnected.' }],
    [
      { providerError: 'HTTP 503' },
      { ok: true, message: 'Disconnected here; the provider did not confirm the revocation (HTTP 503). Tokens were erased.' },
    ],
    [{ revokedAtProvider: true }, { ok: true, message: 'Disconnected and revoked at the provider.', manualStep: undefined }],
    [
      { revokedAtProvider: false, manualStep: 'Remove the app in LinkedIn settings.' },
      { ok: true, message: 'Disconnected. Tokens were erased.', manualStep: 'Remove the app in LinkedIn settings.' },
    ],
  ])('%o is reported as %o and the pages re-render', async (outcome, expected) => {
    m.disconnectConnection.mockResolvedValue(outcome);
    expect(await disconnectConnectionAction(CONNECTION)).toEqual(expected);
    expect(m.revalidatePath).toHaveBeenCalledWith('/');
    expect(m.refresh).toHaveBeenCalled();
  });

  it("shows a FlowError's outcome sentence and lets any other error through", async () => {
    m.disconnectConnection.mockRejectedValueOnce(new FlowError('not_found'));
    expect(await disconnectConnectionAction(CONNECTION)).toEqual({ ok: false, message: OUTCOMES.not_found.message });
    m.disconnectConnection.mockRejectedValueOnce(new Error('db down'));
    await expect(disconnectConnectionAction(CONNECTION)).rejects.toThrow('db down');
  });
});

describe('refreshConnectionAction', () => {
  it('refuses an id that is not a uuid as a missing connection', async () => {
    expect(await refreshConnectionAction('nope')).toEqual({ ok: false, message: OUTCOMES.not_found.message, needsReconnect: false });
    expect(m.refreshNow).not.toHaveBeenCalled();
  });

  it('returns the new expiry on success and re-renders the page', async () => {
    m.refreshNow.mockResolvedValue({ ok: true, kind: 'refreshed', message: 'Refreshed.', expiresAt: '2026-12-03T05:00:00.000Z' });
    expect(await refreshConnectionAction(CONNECTION)).toEqual({ ok: true, message: 'Refreshed.', expiresAt: '2026-12-03T05:00:00.000Z' });
    expect(m.refreshNow).toHaveBeenCalledWith(expect.objectContaining({ userId: 'user-1', connectionId: CONNECTION, requestId: 'req-1' }));
    expect(m.refresh).toHaveBeenCalled();
  });

  it('offers Reconnect only when the grant needs re-authorization', async () => {
    m.refreshNow.mockResolvedValueOnce({ ok: false, kind: 'needs_reauth', message: 'Reconnect this account.' });
    expect(await refreshConnectionAction(CONNECTION)).toEqual({ ok: false, message: 'Reconnect this account.', needsReconnect: true });
    m.refreshNow.mockResolvedValueOnce({ ok: false, kind: 'transient', message: 'The provider is down; try later.' });
    expect(await refreshConnectionAction(CONNECTION)).toEqual({ ok: false, message: 'The provider is down; try later.', needsReconnect: false });
  });

  it('a connection that vanished meanwhile is reported as missing', async () => {
    m.refreshNow.mockResolvedValue({ ok: false, kind: 'not_found' });
    expect(await refreshConnectionAction(CONNECTION)).toEqual({ ok: false, message: OUTCOMES.not_found.message, needsReconnect: false });
    expect(m.refresh).toHaveBeenCalled();
  });
});

describe('setConnectionListedAction', () => {
  it('removes a disconnected connection from the list and can list it again', async () => {
    m.setConnectionListed.mockResolvedValue(true);
    const removed = await setConnectionListedAction(CONNECTION, false);
    expect(removed).toEqual({ ok: true, message: 'Removed from the list. Its audit history stays; “Show removed” lists it again.' });
    expect(m.setConnectionListed).toHaveBeenCalledWith(expect.objectContaining({ connectionId: CONNECTION, listed: false, userId: 'user-1' }));
    expect(await setConnectionListedAction(CONNECTION, true)).toEqual({ ok: true, message: 'Listed again.' });
    expect(m.refresh).toHaveBeenCalledTimes(2);
  });

  it('explains why nothing changed', async () => {
    m.setConnectionListed.mockResolvedValue(false);
    expect(await setConnectionListedAction(CONNECTION, false)).toEqual({
      ok: false,
      message: 'Only a disconnected connection can be removed.',
    });
    expect(await setConnectionListedAction(CONNECTION, true)).toEqual({ ok: false, message: 'That connection does not exist.' });
  });

  it('refuses a malformed id without a database call', async () => {
    expect(await setConnectionListedAction('x', true)).toEqual({ ok: false, message: 'That connection does not exist.' });
    expect(m.setConnectionListed).not.toHaveBeenCalled();
  });
});

describe('syncConnectionAction', () => {
  it('queues one run per account, advances them after the response, and counts them in words', async () => {
    m.queueSyncNow.mockResolvedValueOnce({ kind: 'queued', runIds: ['r1', 'r2'] });
    expect(await syncConnectionAction(CONNECTION)).toEqual({ ok: true, message: 'Syncing 2 accounts…', runIds: ['r1', 'r2'] });
    expect(m.afterResponse).toHaveBeenCalledTimes(1);
    expect(m.advanceInsightsNow).not.toHaveBeenCalled();
    await (m.afterResponse.mock.calls[0]![0] as () => Promise<unknown>)();
    expect(m.advanceInsightsNow).toHaveBeenCalledWith({ db: 'stub' }, m.env, 'http://localhost:3000');
    expect(m.refresh).toHaveBeenCalled();
    m.queueSyncNow.mockResolvedValueOnce({ kind: 'queued', runIds: ['r3'] });
    expect(await syncConnectionAction(CONNECTION, { from: '2026-11-01', to: '2026-11-30' })).toMatchObject({ message: 'Syncing 1 account…' });
    expect(m.queueSyncNow).toHaveBeenLastCalledWith(
      expect.anything(),
      m.env.insights,
      expect.objectContaining({ range: { from: '2026-11-01', to: '2026-11-30' } }),
    );
  });

  it('refuses a malformed id, a reversed range, and a server with insights off', async () => {
    expect(await syncConnectionAction('x')).toEqual({ ok: false, message: 'No such connection.' });
    expect(await syncConnectionAction(CONNECTION, { from: '2026-11-30', to: '2026-11-01' })).toEqual({
      ok: false,
      message: 'Choose a start day on or before the end day.',
    });
    m.env.insights.enabled = false;
    expect(await syncConnectionAction(CONNECTION)).toEqual({ ok: false, message: 'Campaign insights are turned off on this server.' });
    expect(m.queueSyncNow).not.toHaveBeenCalled();
  });

  it('says when there is nothing to sync or a sync is already running', async () => {
    m.queueSyncNow.mockResolvedValueOnce({ kind: 'no_targets' });
    expect(await syncConnectionAction(CONNECTION)).toEqual({ ok: false, message: 'This connection has no ad accounts to sync.' });
    m.queueSyncNow.mockResolvedValueOnce({ kind: 'running', runId: 'r9' });
    expect(await syncConnectionAction(CONNECTION)).toEqual({ ok: false, message: 'A sync is already running.', runId: 'r9' });
    expect(m.afterResponse).not.toHaveBeenCalled();
  });
});
