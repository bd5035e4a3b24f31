import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { postWebhook } from './attempt';
import { generateWebhookSecret } from './sign';

const secret = generateWebhookSecret();
const payload = { type: 'test', timestamp: '2026-11-21T10:00:00.000Z', data: { message: 'hi' } };

function fakeFetch(response: Response | Error) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fn = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    if (response instanceof Error) throw response;
    return response;
  }) as typeof fetch;
  return { fn, calls };
}

const send = (fakeFetchFn: typeof fetch, now = new Date()) =>
  postWebhook({ url: 'https://hooks.example.com/x', secret, msgId: 'msg_1', payload, now, fetch: fakeFetchFn });

describe('one webhook attempt', () => {
  it('POSTs JSON exactly as signed, without following redirects', async () => {
    const { fn, calls } = fakeFetch(new Response(null, { status: 204 }));
    expect(await send(fn)).toEqual({ ok: true, statusCode: 204 });
    const init = calls[0]!.init;
    expect(init.method).toBe('POST');
    expect(init.redirect).toBe('manual');
    const headers = init.headers as Record<string, string>;
    expect(headers['content-type']).toBe('application/json');
    expect(new Webhook(secret).verify(init.body as string, headers)).toEqual(payload);
  });

  it('treats a redirect as a failure and says so', async () => {
    const { fn } = fakeFetch(new Response(null, { status: 302, headers: { location: 'https://elsewhere.example/' } }));
    expect(await send(fn)).toEqual({ ok: false, statusCode: 302, error: 'redirect not followed 302', retryAfterMs: null });
  });

  it('keeps only a short, scrubbed snippet of an error body', async () => {
    const body = `upstream said Bearer abc.def.ghi and gk_abcdefgh_secret ${'x'.repeat(5000)}`;
    const { fn } = fakeFetch(new Response(body, { status: 500 }));
    const result = await send(fn);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.length).toBeLessThanOrEqual(220);
    expect(result.error).toMatch(/^HTTP error 500: upstream said Bearer \[redacted\] and gk_\[redacted\]/);
    expect(result.error).not.toContain('abc.def.ghi');
  });

  it('reads Retry-After on 429 and 503 only', async () => {
    const r429 = await send(fakeFetch(new Response('', { status: 429, headers: { 'retry-after': '120' } })).fn);
    expect(r429).toMatchObject({ ok: false, statusCode: 429, retryAfterMs: 120_000 });
    const r500 = await send(fakeFetch(new Response('', { status: 500, headers: { 'retry-after': '120' } })).fn);
    expect(r500).toMatchObject({ ok: false, statusCode: 500, retryAfterMs: null });
  });

  it('names network failures and timeouts without a status', async () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    expect(await send(fakeFetch(refused).fn)).toMatchObject({ ok: false, statusCode: null, error: 'connection failed: ECONNREFUSED' });
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(await send(fakeFetch(timeout).fn)).toMatchObject({ ok: false, error: 'timed out after 10000 ms' });
  });
});
