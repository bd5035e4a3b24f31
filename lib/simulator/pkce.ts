import { createHash } from 'node:crypto';

/** RFC 7636 §4.6: the verifier must hash (S256) or equal (plain) the challenge from the consent. */
export function verifyPkce(challenge: string, method: 'S256' | 'plain', verifier: string | undefined): boolean {
  if (!verifier || !/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) return false;
  const derived = method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  return derived === challenge;
}

/** RFC 7636 §4.3: an absent method means plain. */
export function parseChallengeMethod(value: string | undefined): 'S256' | 'plain' | undefined {
  if (value === undefined || value === 'plain') return 'plain';
  return value === 'S256' ? 'S256' : undefined;
}
