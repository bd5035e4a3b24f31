import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

/**
 * A stand-in for Sentry's ingest on 127.0.0.1: accepts envelopes (POST /api/<project>/envelope/)
 * from the server and from the browser (CORS allowed), and keeps every one raw and parsed.
 * Envelope format: a header line, then per item a header line and a payload line (JSON).
 */

export interface SentryEvent {
  event_id?: string;
  message?: string;
  tags?: Record<string, string>;
  exception?: { values?: { type?: string; value?: string }[] };
  platform?: string;
  [key: string]: unknown;
}

export interface SentryReceiver {
  port: number;
  dsn(publicKey: string, projectId?: number): string;
  /** Every envelope body received, decompressed, as text. */
  raw(): string[];
  /** The error events among them. */
  events(): SentryEvent[];
  stop(): Promise<void>;
}

function parseEnvelope(text: string): SentryEvent[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const events: SentryEvent[] = [];
  for (let i = 1; i + 1 < lines.length; i += 2) {
    const header = JSON.parse(lines[i]!) as { type?: string };
    if (header.type === 'event') events.push(JSON.parse(lines[i + 1]!) as SentryEvent);
  }
  return events;
}

export async function startSentryReceiver(): Promise<SentryReceiver> {
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': 'POST, OPTIONS' };
    if (req.method === 'OPTIONS') return res.writeHead(204, cors).end();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
      if (req.method === 'POST' && /^\/api\/\d+\/envelope\/?/.test(req.url ?? '')) bodies.push(body.toString('utf8'));
      res.writeHead(200, { ...cors, 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    // `localhost`, not the address: the test browser resolves no other name (CHROMIUM_ARGS) and
    // treats even an IP literal as one; both the browser and Node reach 127.0.0.1 through it.
    dsn: (publicKey, projectId = 7) => `http://${publicKey}@localhost:${port}/${projectId}`,
    raw: () => [...bodies],
    events: () => bodies.flatMap(parseEnvelope),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
