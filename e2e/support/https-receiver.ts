import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A webhook receiver over HTTPS on 127.0.0.1. Production Grantkeeper (and `next start` runs as
 * production) only sends webhooks to https:// URLs, so the test receiver has to be one: a throwaway
 * self-signed certificate made with openssl, which the server under test is told to trust through
 * NODE_EXTRA_CA_CERTS (see `certificateFile`).
 */

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface TlsFiles {
  dir: string;
  certificateFile: string;
  keyFile: string;
}

/** A certificate for IP 127.0.0.1, valid for a day; the caller removes `dir`. */
export function makeLocalhostCertificate(): TlsFiles {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grantkeeper-tls-'));
  const certificateFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
        '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certificateFile],
      { stdio: 'pipe' },
    );
  } catch (err) {
    throw new Error(`The webhook test needs the openssl command to make a test certificate: ${(err as Error).message}`);
  }
  return { dir, certificateFile, keyFile };
}

/** Answers every request with `reply.status` (change it between requests). */
export async function startHttpsReceiver(tls: TlsFiles) {
  const reply = { status: 204 };
  const received: ReceivedRequest[] = [];
  const server = https.createServer(
    { cert: fs.readFileSync(tls.certificateFile), key: fs.readFileSync(tls.keyFile) },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
        received.push({ method: req.method ?? '', path: req.url ?? '/', headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(reply.status);
        res.end();
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (p = '/hooks/grantkeeper') => `https://127.0.0.1:${port}${p}`,
    received,
    reply,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
