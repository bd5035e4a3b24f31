import { isIP } from 'node:net';

/**
 * The client address a per-IP limit counts against. Next's route handlers do not expose the
 * socket; Next's own server only fills `x-forwarded-for` with the socket address when the request
 * did not carry one, so without a trusted proxy every forwarding header may have been written by
 * the client itself, and honouring it would let a flood pick a fresh bucket per request.
 *
 * - TRUST_PROXY=on (Vercel, or a proxy that overwrites X-Forwarded-For): the first hop.
 * - otherwise: one shared bucket, "unknown". In the embedded default the app listens on loopback
 *   for a single operator, so that bucket is the operator; behind an untrusted path the per-IP
 *   limits act as global limits on anonymous traffic, which is the safe direction.
 */
export function clientIp(headers: Headers, trustProxy: boolean): string {
  if (!trustProxy) return 'unknown';
  const first = headers.get('x-forwarded-for')?.split(',')[0]?.trim() ?? '';
  const candidate = first.replace(/^\[(.*)\]$/, '$1');
  return isIP(candidate) ? candidate.toLowerCase() : 'unknown';
}
