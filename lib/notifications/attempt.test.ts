import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { postWebhook } from './attempt';
import { DELIVERY_ERROR } from './delivery-errors';
import { generateWebhookSecret } from './sign';

/**
 * Every receiver here is a listener on 127.0.0.1, reached through host names that exist only in a
 * stub resolver: nothing leaves the machine, and a second (real) lookup of such a name would fail.
 */

const secret = generateWebhookSecret();
const payload = { type: 'test', timestamp: '2026-11-21T10:00:00.000Z', data: { message: 'hi' } };
const RELAXED = { allowPrivate: true };
const STRICT = { allowPrivate: false };

interface Seen {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const open: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function listen(reply: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_, res) => res.writeHead(204).end()) {
  const received: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      reply(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  open.push({ close });
  return { port, received };
}

/** A resolver that knows a few names and records every question. */
function stubResolver(table: Record<string, string[]>) {
  const asked: string[] = [];
  const resolve = async (name: string) => {
    asked.push(name);
    const found = table[name];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return found;
  };
  return { resolve, asked };
}

const send = (url: string, opts: { resolve?: (n: string) => Promise<string[]>; policy?: { allowPrivate: boolean }; timeoutMs?: number } = {}) =>
  postWebhook({ url, secret, msgId: 'msg_1', payload, now: new Date(), policy: opts.policy ?? RELAXED, resolve: opts.resolve, timeoutMs: opts.timeoutMs });

describe('one webhook attempt', () => {
  it('resolves the name once and connects to the checked address, keeping the name in the Host header', async () => {
    const rx = await listen();
    const dns = stubResolver({ 'receiver.test': ['127.0.0.1'] });
    expect(await send(`http://receiver.test:${rx.port}/hooks?x=1`, { resolve: dns.resolve })).toEqual({ ok: true, statusCode: 204 });
    expect(dns.asked).toEqual(['receiver.test']);
    expect(rx.received).toHaveLength(1);
    const got = rx.received[0]!;
    expect(got.method).toBe('POST');
    expect(got.path).toBe('/hooks?x=1');
    expect(got.headers.host).toBe(`receiver.test:${rx.port}`);
    expect(got.headers['content-type']).toBe('application/json');
    expect(new Webhook(secret).verify(got.body, got.headers as Record<string, string>)).toEqual(payload);
  });

  it('refuses a name that resolves to a public and a private address, and connects nowhere', async () => {
    const rx = await listen();
    const dns = stubResolver({ 'mixed.test': ['93.184.215.14', '127.0.0.1'] });
    expect(await send(`http://mixed.test:${rx.port}/`, { resolve: dns.resolve, policy: STRICT })).toEqual({
      ok: false,
      statusCode: null,
      error: DELIVERY_ERROR.hostRefused,
      retryAfterMs: null,
    });
    expect(rx.received).toHaveLength(0);
  });

  it('answers a name resolving to a private address exactly as a name that does not resolve: no mapping the internal DNS', async () => {
    const dns = stubResolver({ 'db.internal.test': ['10.0.0.7'] });
    const internal = await send('https://db.internal.test/', { resolve: dns.resolve, policy: STRICT });
    const missing = await send('https://nowhere.internal.test/', { resolve: dns.resolve, policy: STRICT });
    expect(missing).toEqual(internal);
    expect(internal).toEqual({ ok: false, statusCode: null, error: DELIVERY_ERROR.hostRefused, retryAfterMs: null });
    // A literal private address needs no DNS, tells nothing, and is final.
    expect(await send('https://10.0.0.7/', { policy: STRICT })).toMatchObject({ error: DELIVERY_ERROR.blocked, final: true });
  });

  it('refuses loopback receivers unless private addresses are allowed', async () => {
    const rx = await listen();
    const dns = stubResolver({ 'receiver.test': ['127.0.0.1'] });
    for (const url of [`http://127.0.0.1:${rx.port}/`, `http://localhost:${rx.port}/`]) {
      expect(await send(url, { resolve: dns.resolve, policy: STRICT }), url).toMatchObject({ ok: false, error: DELIVERY_ERROR.blocked });
    }
    expect(await send(`http://receiver.test:${rx.port}/`, { resolve: dns.resolve, policy: STRICT })).toMatchObject({ ok: false, error: DELIVERY_ERROR.hostRefused });
    expect(rx.received).toHaveLength(0);
    expect(await send(`http://127.0.0.1:${rx.port}/`, { policy: RELAXED })).toEqual({ ok: true, statusCode: 204 });
  });

  it('does not follow a redirect: the redirect target receives nothing', async () => {
    const target = await listen();
    const first = await listen((_, res) => res.writeHead(302, { location: `http://127.0.0.1:${target.port}/stolen` }).end());
    const result = await send(`http://127.0.0.1:${first.port}/hooks`);
    expect(result).toEqual({ ok: false, statusCode: 302, error: 'Receiver answered 302 (redirects are not followed)', retryAfterMs: null });
    expect(first.received).toHaveLength(1);
    expect(target.received).toHaveLength(0);
  });

  it('never reports the receiver’s body, only its status', async () => {
    const rx = await listen((_, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('redis: NOAUTH internal-admin-password=hunter2'));
    const result = await send(`http://127.0.0.1:${rx.port}/`);
    expect(result).toEqual({ ok: false, statusCode: 500, error: 'Receiver answered 500', retryAfterMs: null });
    expect(JSON.stringify(result)).not.toMatch(/redis|hunter2|NOAUTH/);
  });

  it('says the same about a closed port, a reset, a TLS failure and a timeout', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as AddressInfo;
        s.close(() => resolve(port));
      });
    });
    const reset = await listen((req) => req.socket.destroy());
    const plain = await listen();
    const hang = await listen(() => {});
    const outcomes = [
      await send(`http://127.0.0.1:${closed}/`),
      await send(`http://127.0.0.1:${reset.port}/`),
      await send(`https://127.0.0.1:${plain.port}/`),
      await send(`http://127.0.0.1:${hang.port}/`, { timeoutMs: 300 }),
    ];
    for (const o of outcomes) expect(o).toEqual({ ok: false, statusCode: null, error: DELIVERY_ERROR.unreachable, retryAfterMs: null });
    expect(hang.received).toHaveLength(1);
  });

  it('says when a name does not resolve, and retries it later', async () => {
    const dns = stubResolver({});
    expect(await send('https://nowhere.test/', { resolve: dns.resolve })).toEqual({
      ok: false,
      statusCode: null,
      error: DELIVERY_ERROR.hostRefused,
      retryAfterMs: null,
    });
  });

  it('reads Retry-After on 429 and 503 only', async () => {
    const r429 = await listen((_, res) => res.writeHead(429, { 'retry-after': '120' }).end());
    const r500 = await listen((_, res) => res.writeHead(500, { 'retry-after': '120' }).end());
    expect(await send(`http://127.0.0.1:${r429.port}/`)).toMatchObject({ ok: false, statusCode: 429, retryAfterMs: 120_000 });
    expect(await send(`http://127.0.0.1:${r500.port}/`)).toMatchObject({ ok: false, statusCode: 500, retryAfterMs: null });
  });
});
