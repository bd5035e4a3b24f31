import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { markDatabaseError } from '../db/errors';
import { setErrorTracker, type ErrorContext } from '../error-tracking/capture';
import { DatabaseUnavailableError } from '../db/types';
import { apiRoute, DATABASE_RETRY_AFTER_SEC, handleRoute } from './handle-route';
import { AppError } from './errors';

const req = (method = 'GET', path = '/api/v1/thing?code=secret-code') =>
  new NextRequest(`http://localhost${path}`, { method, headers: { 'x-request-id': 'req-12345678' } });
const throwing = (err: unknown) => handleRoute(async () => {
  throw err;
});

describe('handleRoute', () => {
  it('answers an unreachable database with 503, Retry-After and the usual error shape', async () => {
    for (const err of [
      markDatabaseError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })),
      new DatabaseUnavailableError('Cannot reach the database at DATABASE_URL (db:5432/x)'),
    ]) {
      const res = await throwing(err)(req());
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe(String(DATABASE_RETRY_AFTER_SEC));
      const body = await res.json();
      expect(body).toEqual({ error: { code: 'database_unavailable', message: expect.any(String), requestId: 'req-12345678' } });
      expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|5432|DATABASE_URL/);
    }
  });

  it('maps an AppError to its status and message', async () => {
    const res = await throwing(new AppError('conflict', 'Already there.'))(req());
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: { code: 'conflict', message: 'Already there.', requestId: 'req-12345678' } });
  });

  it('answers anything else with a generic 500 that says nothing of the error', async () => {
    const res = await throwing(Object.assign(new Error('relation "api_keys" gk_abc_leaked'), { params: ['hash'] }))(req());
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: expect.stringContaining('request id'), requestId: 'req-12345678' } });
    expect(text).not.toMatch(/api_keys|gk_abc|hash/);
  });

  it('reports an unhandled error to the error tracker with its request id and path, and nothing it answered itself', async () => {
    const captured: { err: unknown; context: ErrorContext }[] = [];
    setErrorTracker({ capture: (err, context) => captured.push({ err, context }), flush: async () => true });
    try {
      const boom = new Error('relation "api_keys" does not exist');
      await throwing(boom)(req());
      await throwing(new AppError('conflict', 'Already there.'))(req());
      await throwing(new DatabaseUnavailableError('down'))(req());
      expect(captured).toEqual([{ err: boom, context: { requestId: 'req-12345678', method: 'GET', path: '/api/v1/thing' } }]);
    } finally {
      setErrorTracker(undefined);
    }
  });

  it('passes what the handler returns through', async () => {
    const res = await handleRoute(async () => Response.json({ ok: true }))(req());
    expect(await res.json()).toEqual({ ok: true });
  });
});

describe('apiRoute', () => {
  it('answers the methods a route lacks with a JSON 405 and Allow', async () => {
    const route = apiRoute({ GET: async () => Response.json({ ok: true }), POST: async () => Response.json({ made: true }) });
    expect((await route.GET(req())).status).toBe(200);
    for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
      const res = await route[method](req(method));
      expect(res.status, method).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, POST, HEAD, OPTIONS');
      expect(await res.json()).toEqual({ error: { code: 'method_not_allowed', message: expect.stringContaining(method), requestId: 'req-12345678' } });
    }
    const options = await route.OPTIONS(req('OPTIONS'));
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, POST, HEAD, OPTIONS');
  });

  it('wraps the handlers it has', async () => {
    const route = apiRoute({ DELETE: async () => {
      throw new AppError('not_found', 'No such thing.');
    } });
    expect((await route.DELETE(req('DELETE'))).status).toBe(404);
    expect((await route.GET(req())).headers.get('allow')).toBe('DELETE, OPTIONS');
  });
});
