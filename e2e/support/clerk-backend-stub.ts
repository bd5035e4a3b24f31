import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Clerk's Backend API on 127.0.0.1 (the server's CLERK_API_URL), so a Clerk-mode
 * server never calls api.clerk.com. It records every request; a session revoke is answered as
 * Clerk does (the session, status "revoked"), anything else 404.
 */

export interface ClerkBackendRequest {
  method: string;
  path: string;
  authorization: string | undefined;
}

export interface ClerkBackendStub {
  /** CLERK_API_URL for the server. */
  url: string;
  requests(): ClerkBackendRequest[];
  stop(): Promise<void>;
}

const REVOKE = /^\/v1\/sessions\/([^/]+)\/revoke$/;

export async function startClerkBackendStub(): Promise<ClerkBackendStub> {
  const seen: ClerkBackendRequest[] = [];
  const server = http.createServer((req, res) => {
    const path = req.url ?? '';
    seen.push({ method: req.method ?? '', path, authorization: req.headers.authorization });
    req.resume();
    const revoke = req.method === 'POST' ? REVOKE.exec(path) : null;
    if (!revoke) return res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"resource_not_found"}]}');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'session', id: revoke[1], status: 'revoked' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => [...seen],
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
