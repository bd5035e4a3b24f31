import 'server-only';
import { createHash, randomBytes } from 'node:crypto';

/** Proof Key for Code Exchange (RFC 7636). */

/**
 * RFC 7636 §4.1: 43–128 characters of [A-Za-z0-9-._~]. 32 random bytes in base64url give 43
 * characters with 256 bits of entropy, the size §7.1 recommends.
 */
export function generateCodeVerifier(): string {
  return randomBytes(32).toString('base64url');
}

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

export function isValidCodeVerifier(verifier: string): boolean {
  return VERIFIER.test(verifier);
}

/** RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))), without padding. */
export function codeChallengeS256(verifier: string): string {
  if (!isValidCodeVerifier(verifier)) {
    throw new Error('code_verifier must be 43-128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.1)');
  }
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
