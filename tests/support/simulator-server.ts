/**
 * One provider simulator for several app instances (the scale-out spec and bench): lib/simulator
 * served over HTTP on 127.0.0.1, as its own process, so every instance (SIMULATOR_URL) sees the
 * same grants, the same rotating refresh tokens and the same per-grant refresh counts
 * (`GET /api/simulator/_admin/state`). Run it with
 * `node --conditions=react-server --import tsx tests/support/simulator-server.ts`; it prints one
 * line `{"port":N}` when it listens. Environment: SIMULATOR_ADMIN_SECRET (required, guards the
 * admin API and the gate), SIMULATOR_* knobs (lib/simulator/knobs.ts), SIMULATOR_APP_ORIGINS
 * (comma-separated app origins whose callbacks are registered).
 *
 * The gate (`POST /_gate/close`, `/_gate/open`, `/_gate/status`, same secret) holds new requests before the
 * simulator sees them; a request whose client went away meanwhile (its process was killed) is
 * dropped unseen, like a connection reset before it reached the provider. A test closes the gate,
 * waits until every answer already given has been stored, kills an instance, and reopens it: the
 * kill lands while the victim holds leases but no provider answer is in flight to it.
 * `POST /_gate/counts` answers refreshes per grant (persona id → count), cheaper than `state`.
 */
import http from 'node:http';
import { secretsEqual, bearerToken } from '../../lib/http/secrets';
import { handleSimulatorRequest } from '../../lib/simulator/handler';
import { createSimulatorState } from '../../lib/simulator/state';

const secret = process.env.SIMULATOR_ADMIN_SECRET;
if (!secret) throw new Error('SIMULATOR_ADMIN_SECRET is required');
const appOrigins = (process.env.SIMULATOR_APP_ORIGINS ?? '').split(',').filter(Boolean);
const state = createSimulatorState({ env: process.env });

let gateOpen = true;
let waiting: (() => void)[] = [];
const passGate = () => (gateOpen ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve)));
let dropped = 0;
/** Requests past the gate whose answer is not yet written. */
let inflight = 0;

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const server = http.createServer((req, res) => {
  void (async () => {
    const path = req.url ?? '/';
    if (path.startsWith('/_gate/')) {
      const presented = bearerToken(req.headers.authorization ?? null);
      if (presented === null || !secretsEqual(presented, secret)) return void res.writeHead(401).end();
      if (path === '/_gate/close') gateOpen = false;
      if (path === '/_gate/counts') {
        // Refreshes answered per grant (persona id → count), cheaply, for polling.
        const counts = Object.fromEntries([...state.grants.values()].map((g) => [g.personaId, g.refreshCount]));
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(counts));
      }
      if (path === '/_gate/open') {
        gateOpen = true;
        const released = waiting;
        waiting = [];
        for (const go of released) go();
      }
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ open: gateOpen, held: waiting.length, dropped, inflight }));
    }
    const body = await readBody(req);
    await passGate();
    if (req.socket.destroyed || res.destroyed) {
      dropped++;
      return;
    }
    inflight++;
    res.on('close', () => inflight--);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    const request = new Request(`http://${req.headers.host ?? '127.0.0.1'}${path}`, {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : new Uint8Array(body),
    });
    const response = await handleSimulatorRequest(state, request, {
      admin: { secret },
      redirectUris: (provider) => appOrigins.map((o) => `${o}/api/v1/oauth/${provider}/callback`),
    });
    const out: Record<string, string> = {};
    response.headers.forEach((v, k) => (out[k] = v));
    res.writeHead(response.status, out).end(Buffer.from(await response.arrayBuffer()));
  })().catch((err: unknown) => {
    process.stderr.write(`simulator-server: ${(err as Error).stack ?? String(err)}\n`);
    if (!res.headersSent) res.writeHead(500).end();
  });
});
server.keepAliveTimeout = 30_000;
server.listen(Number(process.env.SIMULATOR_PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
});
// Orphaned (the test runner died without killing us): stop.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && process.exit(2), 500).unref();
