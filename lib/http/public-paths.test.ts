import { describe, expect, it } from 'vitest';
import { isPublicPath } from './public-paths';

describe('isPublicPath (where the proxy does not ask for a Clerk session)', () => {
  it('lets machines and self-authenticating routes through', () => {
    for (const path of [
      '/api/health',
      '/api/webhooks/clerk',
      '/api/cron/refresh-tokens',
      '/api/simulator/x/api.x.com/2/oauth2/token',
      '/api/v1/oauth/amazon-ads/callback',
      '/api/v1/connections/0b3c7e8a-1d2f-4a5b-9c6d-7e8f9a0b1c2d/access-token',
      '/api/v1/analytics/insights',
      // The API's description and reference: the same for everyone.
      '/api/v1/openapi.json',
      '/docs/api',
      '/signed-out',
      '/api/health/',
    ]) {
      expect(isPublicPath(path), path).toBe(true);
    }
  });

  it('asks for a session everywhere else, including look-alike paths', () => {
    for (const path of [
      '/',
      '/settings',
      '/api/v1/api-keys',
      '/api/v1/oauth/x/authorize',
      '/api/v1/oauth/status',
      '/api/v1/connections/abc',
      '/api/v1/connections/abc/refresh',
      '/api/v1/connections/a/b/access-token',
      '/api/healthz',
      '/api/v1/analytics/sync-status',
      '/signed-out-not',
      '/api/v1/openapiXjson',
      '/docs/api/secret',
      '/api/v1/users/me',
      '/api/v1/oauth/x/refresh',
    ]) {
      expect(isPublicPath(path), path).toBe(false);
    }
  });
});
