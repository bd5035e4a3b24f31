import 'server-only';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from './webhook-target';

export interface PinnedResponse {
  statusCode: number;
  retryAfter: string | null;
}

/**
 * A lookup that looks nothing up: it answers with the addresses already checked, so a DNS answer
 * that changes between the check and the connection (DNS rebinding) is never seen. The URL's host
 * name still goes into the Host header and TLS SNI, and the certificate is checked against it.
 */
export function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const [first] = addresses;
    if (!first) {
      callback(Object.assign(new Error('no checked address'), { code: 'ENOTFOUND' }), '', 4);
      return;
    }
    if (options.all) callback(null, addresses.map((a) => ({ address: a.address, family: a.family })));
    else callback(null, first.address, first.family);
  };
}

/**
 * One POST to a checked address. Redirects are never followed (node's client does not follow
 * them), no connection is pooled (a pooled socket could outlive the check), and the response body
 * is never read: only the status and Retry-After are kept, then the connection is dropped.
 * Rejects on any network, TLS or timeout failure; the caller maps them all to one message.
 */
export function postPinned(input: {
  url: URL;
  addresses: ResolvedAddress[];
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}): Promise<PinnedResponse> {
  return new Promise((resolve, reject) => {
    const client = input.url.protocol === 'https:' ? https : http;
    const req = client.request(input.url, {
      method: 'POST',
      agent: false,
      lookup: pinnedLookup(input.addresses),
      headers: { ...input.headers, 'content-length': String(Buffer.byteLength(input.body)) },
    });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), input.timeoutMs);
    // Errors may come after the response (the socket is dropped on purpose): listen for all of them.
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on('response', (res) => {
      clearTimeout(timer);
      res.on('error', () => {});
      const retryAfter = res.headers['retry-after'];
      resolve({ statusCode: res.statusCode ?? 0, retryAfter: typeof retryAfter === 'string' ? retryAfter : null });
      res.destroy();
    });
    req.end(input.body);
  });
}
