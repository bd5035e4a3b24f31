import { describe, expect, it } from 'vitest';
import { codeChallengeS256, generateCodeVerifier, isValidCodeVerifier } from './pkce';

describe('PKCE (RFC 7636)', () => {
  it('matches the worked example of Appendix B', () => {
    expect(codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('generates fresh verifiers of 43 unreserved characters (§4.1)', () => {
    const a = generateCodeVerifier();
    const b = generateCodeVerifier();
    expect(a).toMatch(/^[A-Za-z0-9\-._~]{43}$/);
    expect(a).not.toBe(b);
  });

  it.each([
    ['42 characters', 'a'.repeat(42), false],
    ['43 characters', 'a'.repeat(43), true],
    ['128 characters', 'a'.repeat(128), true],
    ['129 characters', 'a'.repeat(129), false],
    ['a reserved character', `${'a'.repeat(42)}+`, false],
  ])('accepts or refuses %s', (_label, verifier, valid) => {
    expect(isValidCodeVerifier(verifier)).toBe(valid);
    if (valid) expect(codeChallengeS256(verifier)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    else expect(() => codeChallengeS256(verifier)).toThrow(/RFC 7636/);
  });
});
