import { afterEach, describe, expect, it, vi } from 'vitest';

/** Issue 11 §4: the server SDK starts with the scrubber and without the integrations that would see secrets. */

const sdk = vi.hoisted(() => ({
  init: vi.fn(),
  withScope: vi.fn((fn: (scope: { setTag: (k: string, v: string) => void }) => void) => fn({ setTag: (k, v) => sdk.tags.push([k, v]) })),
  captureException: vi.fn(),
  flush: vi.fn(async () => true),
  tags: [] as [string, string][],
}));
vi.mock('@sentry/nextjs', () => sdk);

import { captureError, errorTrackingEnabled, setErrorTracker } from './capture';
import { initErrorTracking } from './init';

afterEach(() => setErrorTracker(undefined));

describe('initErrorTracking', () => {
  it('scrubs in beforeSend, keeps no HTTP/console/pino/database integration, and tags captures with the request id', async () => {
    expect(errorTrackingEnabled()).toBe(false);
    captureError(new Error('before init'), { requestId: 'req-00000000' });
    expect(sdk.captureException).not.toHaveBeenCalled();

    await initErrorTracking({ dsn: 'https://k@o1.ingest.sentry.io/2' });
    const options = sdk.init.mock.calls[0]![0] as {
      dsn: string;
      beforeSend: (e: object) => object;
      integrations: (d: { name: string }[]) => { name: string }[];
      dataCollection: Record<string, unknown>;
    };
    expect(options.dsn).toBe('https://k@o1.ingest.sentry.io/2');
    const sent = JSON.stringify(
      options.beforeSend({ message: 'Bearer SECRET-BEARER-1', extra: { refresh_token: 'SECRET-RT-2' }, request: { headers: { authorization: 'x' } } }),
    );
    expect(sent).not.toMatch(/SECRET-BEARER-1|SECRET-RT-2|authorization/);
    const names = ['Http', 'Console', 'Pino', 'Postgres', 'LinkedErrors', 'OnUncaughtException', 'Dedupe'];
    expect(options.integrations(names.map((name) => ({ name }))).map((i) => i.name)).toEqual(['LinkedErrors', 'OnUncaughtException', 'Dedupe']);
    expect(options.dataCollection).toMatchObject({ cookies: false, httpHeaders: false, urlQueryParams: false, databaseQueryData: false });

    const err = new Error('boom');
    captureError(err, { requestId: 'req-12345678', method: 'GET', path: '/api/v1/x?code=SECRET-CODE-3' });
    expect(sdk.captureException).toHaveBeenCalledWith(err);
    expect(sdk.tags).toEqual([
      ['request_id', 'req-12345678'],
      ['http.method', 'GET'],
      ['path', '/api/v1/x'],
    ]);
  });
});
