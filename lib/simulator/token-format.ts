import { randomBytes } from 'node:crypto';
import type { SimulatedProvider } from './credentials';

/**
 * Random strings shaped like each provider's codes and tokens, so clients meet realistic lengths
 * and characters (Amazon's `|` must be URL-encoded in form bodies [AZ11]). Always random, never
 * derived from a secret.
 */

export type TokenKind = 'code' | 'access' | 'refresh';

function alphanumeric(length: number): string {
  let out = '';
  while (out.length < length) out += randomBytes(length).toString('base64').replace(/[+/=]/g, '');
  return out.slice(0, length);
}

const b64url = (bytes: number) => randomBytes(bytes).toString('base64url');

/** X's tokens are base64 of `<random>:<issued ms>:1:<n>:<at|rt|ac>:1` (community captures [X9]). */
function xToken(kind: TokenKind, nowMs: number): string {
  const tag = kind === 'access' ? 'at' : kind === 'refresh' ? 'rt' : 'ac';
  return Buffer.from(`${b64url(30)}:${nowMs}:1:${kind === 'code' ? 1 : 0}:${tag}:1`).toString('base64').replace(/=+$/, '');
}

export function mintToken(provider: SimulatedProvider, kind: TokenKind, nowMs: number): string {
  switch (provider) {
    case 'amazon-ads':
      if (kind === 'code') return alphanumeric(20);
      return `${kind === 'access' ? 'Atza' : 'Atzr'}|IwEB${b64url(280)}`;
    case 'linkedin':
      return `${kind === 'access' ? 'AQV' : kind === 'refresh' ? 'AQX' : 'AQT'}${b64url(kind === 'code' ? 110 : 360)}`;
    case 'x':
      return xToken(kind, nowMs);
    case 'meta':
      return kind === 'code' ? `AQ${b64url(250)}` : `EAA${alphanumeric(190)}`;
  }
}

export function randomId(prefix: string): string {
  return `${prefix}_${b64url(9)}`;
}

/** Meta's `fbtrace_id` on every error [M4]. */
export function fbtraceId(): string {
  return alphanumeric(11);
}
