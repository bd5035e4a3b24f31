import { describe, expect, it } from 'vitest';
import { isConfigurationError } from '@/lib/oauth/classify';
import { amazonAds } from './amazon-ads/definition';
import { createLinkedInDefinition } from './linkedin/definition';
import { createMetaDefinition } from './meta/definition';
import { createOidcDefinition } from './oidc';
import type { ErrorKind, ProviderDefinition, ProviderErrorInfo } from './types';
import { x } from './x/definition';

/**
 * The table the refresh engine relies on: only `permanent` sets needs_reauth. Every case from
 * providers.md and the design's invariant 4, per provider.
 */

const linkedin = createLinkedInDefinition({ refreshTokens: true, apiVersion: '202603' });
const meta = createMetaDefinition({ graphVersion: 'v25.0' });
const oidc = createOidcDefinition(
  { issuer: 'https://op.example', authorization_endpoint: 'https://op.example/auth', token_endpoint: 'https://op.example/token' },
  { scopes: ['openid'], name: 'OP' },
);

const oauth = (status: number, error: string, description?: string): ProviderErrorInfo => ({ status, error, description });
const graph = (status: number, code: number, subcode?: number): ProviderErrorInfo => ({ status, error: 'OAuthException', code, subcode });

const CASES: [string, ProviderDefinition, ProviderErrorInfo, ErrorKind][] = [
  // Dead grants.
  ['Amazon invalid_grant [AZ18]', amazonAds, oauth(400, 'invalid_grant', 'The request has an invalid grant parameter : refresh_token'), 'permanent'],
  ['LinkedIn dead refresh token [LI2]', linkedin, oauth(400, 'invalid_request', 'The provided authorization grant or refresh token is invalid, expired or revoked'), 'permanent'],
  ['LinkedIn invalid_grant', linkedin, oauth(400, 'invalid_grant'), 'permanent'],
  ['X spent refresh token [X10]', x, oauth(400, 'invalid_request', 'Value passed for the token was invalid.'), 'permanent'],
  ['X invalid_request without a description [X9]', x, { status: 400, error: 'invalid_request' }, 'transient'],
  ['LinkedIn invalid_request without a description [LI1]', linkedin, { status: 400, error: 'invalid_request' }, 'transient'],
  ['X invalid_grant', x, oauth(400, 'invalid_grant'), 'permanent'],
  ['Meta 190/463 expired [M4]', meta, graph(400, 190, 463), 'permanent'],
  ['Meta 190/458 app removed', meta, graph(400, 190, 458), 'permanent'],
  ['Meta 190 without subcode', meta, graph(401, 190), 'permanent'],
  ['OIDC invalid_grant', oidc, oauth(400, 'invalid_grant'), 'permanent'],
  // Server trouble and throttling.
  ...[amazonAds, linkedin, x, meta, oidc].flatMap((d): [string, ProviderDefinition, ProviderErrorInfo, ErrorKind][] => [
    [`${d.name} 429`, d, { status: 429 }, 'transient'],
    [`${d.name} 500`, d, { status: 500 }, 'transient'],
    [`${d.name} 503 even with invalid_grant in the body`, d, oauth(503, 'invalid_grant'), 'transient'],
  ]),
  ...[4, 17, 32, 613, 80000, 80004, 80014, 1, 2].map((code): [string, ProviderDefinition, ProviderErrorInfo, ErrorKind] => [
    `Meta code ${code} [M5]`,
    meta,
    graph(code === 4 ? 403 : 400, code),
    'transient',
  ]),
  // Configuration errors: the app is wrong, not the grant (see lib/oauth/classify.ts).
  ['Amazon invalid_client [AZ18]', amazonAds, oauth(401, 'invalid_client', 'Client authentication failed'), 'transient'],
  ['LinkedIn invalid_client_id [LI1]', linkedin, oauth(401, 'invalid_client_id', 'Client authentication failed'), 'transient'],
  ['LinkedIn missing parameter [LI1]', linkedin, oauth(400, 'invalid_request', 'A required parameter "refresh_token" is missing'), 'transient'],
  ['X unauthorized_client [X9]', x, oauth(401, 'unauthorized_client', 'Missing valid authorization header'), 'transient'],
  ['X missing client_id [X9]', x, oauth(400, 'invalid_request', 'Missing required parameter [client_id].'), 'transient'],
  ['X wrong grant type [X9]', x, oauth(400, 'invalid_request', 'Value passed for the grant type was invalid.'), 'transient'],
  ['Meta invalid parameter 100', meta, graph(400, 100), 'transient'],
  ['OIDC invalid_client', oidc, oauth(401, 'invalid_client'), 'transient'],
  ['an unknown 4xx', amazonAds, { status: 418 }, 'transient'],
];

describe('error classification', () => {
  it.each(CASES)('%s → %s', (_label, definition, info, kind) => {
    expect(definition.classifyError(info)).toBe(kind);
  });

  it.each(['invalid_client', 'invalid_client_id', 'unauthorized_client', 'unsupported_grant_type'])('names %s a configuration error', (code) => {
    expect(isConfigurationError({ code })).toBe(true);
  });

  it.each(['invalid_grant', 'network', 'http_503'])('does not name %s a configuration error', (code) => {
    expect(isConfigurationError({ code })).toBe(false);
  });
});
