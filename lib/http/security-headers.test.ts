import { describe, expect, it } from 'vitest';
import { apiContentSecurityPolicy, clerkFrontendApiOrigin, errorReportingOrigin, makeNonce, pageContentSecurityPolicy, securityHeaders } from './security-headers';

const PAGE = { pathname: '/', dev: false, https: false };

function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
}

describe('page Content-Security-Policy (item 18)', () => {
  it('allows scripts only with this response’s nonce: no unsafe-inline, no eval in production', () => {
    const csp = directives(pageContentSecurityPolicy('abc123', PAGE));
    expect(csp.get('script-src')).toEqual(["'self'", "'nonce-abc123'", "'strict-dynamic'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'self'"]);
    expect(csp.has('upgrade-insecure-requests')).toBe(false);
  });

  it('adds eval only under next dev, and upgrade-insecure-requests over https', () => {
    expect(directives(pageContentSecurityPolicy('n', { ...PAGE, dev: true })).get('script-src')).toContain("'unsafe-eval'");
    expect(directives(pageContentSecurityPolicy('n', { ...PAGE, https: true })).has('upgrade-insecure-requests')).toBe(true);
  });

  it('lets Clerk’s Frontend API be reached in Clerk mode', () => {
    const csp = directives(pageContentSecurityPolicy('n', { ...PAGE, clerkFrontendApi: 'https://clerk.example.com' }));
    expect(csp.get('connect-src')).toContain('https://clerk.example.com');
  });

  it('lets the browser report errors to the Sentry DSN host only when SENTRY_DSN is set, never with its key', () => {
    expect(directives(pageContentSecurityPolicy('n', PAGE)).get('connect-src')).toEqual(["'self'"]);
    const origin = errorReportingOrigin('https://pubkey123@o42.ingest.sentry.io/4501');
    expect(origin).toBe('https://o42.ingest.sentry.io');
    const csp = directives(pageContentSecurityPolicy('n', { ...PAGE, errorReportingOrigin: origin }));
    expect(csp.get('connect-src')).toEqual(["'self'", 'https://o42.ingest.sentry.io']);
    expect(errorReportingOrigin('http://k@127.0.0.1:9123/1')).toBe('http://127.0.0.1:9123');
    expect(errorReportingOrigin(undefined)).toBeUndefined();
  });

  it('makes a fresh, unguessable nonce each time', () => {
    const nonces = new Set(Array.from({ length: 50 }, makeNonce));
    expect(nonces.size).toBe(50);
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });
});

describe('security headers', () => {
  it('every response: nosniff, no framing, a referrer policy and a permissions policy', () => {
    const headers = securityHeaders(PAGE);
    expect(headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'strict-origin-when-cross-origin',
    });
    expect(headers['permissions-policy']).toContain('camera=()');
    expect(headers['strict-transport-security']).toBeUndefined();
  });

  it('no Referer at all from the pages whose URLs carry codes and state', () => {
    for (const pathname of ['/api/v1/oauth/x/callback', '/api/v1/oauth/x/authorize', '/oauth/error', '/api/simulator/x/x.com/i/oauth2/authorize']) {
      expect(securityHeaders({ ...PAGE, pathname })['referrer-policy'], pathname).toBe('no-referrer');
    }
  });

  it('HSTS only over https', () => {
    expect(securityHeaders({ ...PAGE, https: true })['strict-transport-security']).toMatch(/^max-age=\d{8}/);
  });

  it('API responses: a CSP that renders nothing, and no-store', () => {
    const headers = securityHeaders({ ...PAGE, pathname: '/api/v1/oauth/status' });
    expect(headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(headers['cache-control']).toBe('no-store');
  });

  it('the simulator’s consent pages may use their inline CSS and post their form, and nothing else', () => {
    const csp = directives(apiContentSecurityPolicy('/api/simulator/x/x.com/i/oauth2/authorize'));
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('style-src')).toEqual(["'unsafe-inline'"]);
    expect(csp.get('form-action')).toEqual(["'self'"]);
    expect(csp.has('script-src')).toBe(false);
  });
});

describe('clerkFrontendApiOrigin', () => {
  it('reads the Frontend API host from the publishable key', () => {
    expect(clerkFrontendApiOrigin(`pk_live_${btoa('clerk.example.com$')}`)).toBe('https://clerk.example.com');
    expect(clerkFrontendApiOrigin('pk_test_%%%')).toBeUndefined();
  });
});
