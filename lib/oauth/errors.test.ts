import { describe, expect, it } from 'vitest';
import { invalidResponseError, parseErrorBody, parseRetryAfter, scrubDescription } from './errors';

const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('Retry-After (RFC 9110 §10.2.3)', () => {
  it.each([
    ['delta seconds', { 'retry-after': '120' }, 429, 120],
    ['an HTTP date', { 'retry-after': 'Sun, 01 Mar 2026 12:01:30 GMT' }, 503, 90],
    ['a date in the past', { 'retry-after': 'Sun, 01 Mar 2026 11:00:00 GMT' }, 503, 0],
    ['garbage', { 'retry-after': 'soon' }, 429, undefined],
    ['nothing', {}, 429, undefined],
    ["X's x-rate-limit-reset on a 429", { 'x-rate-limit-reset': String(NOW / 1000 + 45) }, 429, 45],
    ['x-rate-limit-reset on a non-429', { 'x-rate-limit-reset': String(NOW / 1000 + 45) }, 400, undefined],
    ['Retry-After over x-rate-limit-reset', { 'retry-after': '5', 'x-rate-limit-reset': String(NOW / 1000 + 45) }, 429, 5],
    ["Meta's business use case minutes", { 'x-business-use-case-usage': '{"1":[{"estimated_time_to_regain_access":3}]}' }, 400, 180],
    ['Meta usage without a wait', { 'x-business-use-case-usage': '{"1":[{"estimated_time_to_regain_access":0}]}' }, 400, undefined],
    ['Meta usage that is not JSON', { 'x-business-use-case-usage': 'nope' }, 400, undefined],
    ['Meta usage of an unknown shape', { 'x-business-use-case-usage': '[1,2]' }, 400, undefined],
    ['the longest Meta wait, entries without one counting as none', { 'x-business-use-case-usage': '{"1":[{"type":"ads_management"},{"estimated_time_to_regain_access":2}]}' }, 400, 120],
  ])('reads %s', (_label, headers, status, expected) => {
    expect(parseRetryAfter(new Headers(headers), status, NOW)).toBe(expected);
  });
});

describe('error bodies', () => {
  it.each([
    ['OAuth (RFC 6749 §5.2)', { error: 'invalid_grant', error_description: 'gone' }, { code: 'invalid_grant', info: { status: 400, error: 'invalid_grant', description: 'gone' } }],
    [
      "Meta's envelope [M4]",
      { error: { message: 'expired', type: 'OAuthException', code: 190, error_subcode: 463, fbtrace_id: 'A' } },
      { code: 'OAuthException/190', info: { status: 400, error: 'OAuthException', description: 'expired', code: 190, subcode: 463 } },
    ],
    [
      'a Meta envelope without a code: its type, else the status',
      { error: { message: 'odd', type: 'GraphMethodException' } },
      { code: 'GraphMethodException', info: { status: 400, error: 'GraphMethodException', description: 'odd' } },
    ],
    ['a Meta envelope with nothing in it', { error: {} }, { code: 'http_400', info: { status: 400 } }],
    ['a Meta code without a type', { error: { code: 4 } }, { code: 'OAuthException/4', info: { status: 400, code: 4 } }],
    ['an X problem without detail: its title', { title: 'Too Many Requests', type: 'about:blank' }, { code: 'http_400', info: { status: 400, description: 'Too Many Requests' } }],
    ['LinkedIn REST [LI10]', { message: 'Empty oauth2_access_token', serviceErrorCode: 401, status: 401 }, { code: 'http_400', info: { status: 400, description: 'Empty oauth2_access_token', code: 401 } }],
    ['an X problem [X7]', { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' }, { code: 'http_400', info: { status: 400, description: 'Unauthorized' } }],
    ['X legacy errors [X6]', { errors: [{ code: 88, message: 'Rate limit exceeded' }] }, { code: 'http_400', info: { status: 400, description: 'Rate limit exceeded', code: 88 } }],
    ['Amazon Ads [AZ8]', { code: 'UNAUTHORIZED', details: 'Not authorized to access scope' }, { code: 'UNAUTHORIZED', info: { status: 400, error: 'UNAUTHORIZED', description: 'Not authorized to access scope' } }],
    ['not JSON', undefined, { code: 'http_400', info: { status: 400 } }],
    ['unknown JSON', { oops: true }, { code: 'http_400', info: { status: 400 } }],
  ])('parses %s', (_label, body, expected) => {
    expect(parseErrorBody(400, body)).toEqual(expected);
  });
});

describe('scrubDescription', () => {
  it('removes token-shaped values and keeps prose', () => {
    const text = 'Malformed access token EAABsbCS1iHgBAKZBZAZCZC1234567890abcdefXYZ for Atzr|IQEBLjAsAhRmHjNgHpi0U-Dme37rR6CuUpSR and Bearer abc.def';
    const scrubbed = scrubDescription(text) ?? '';
    expect(scrubbed).not.toContain('EAABsb');
    expect(scrubbed).not.toContain('IQEBLjAs');
    expect(scrubbed).not.toContain('abc.def');
    expect(scrubbed).toContain('Malformed access token');
    expect(scrubDescription('The provided authorization grant or refresh token is invalid, expired or revoked')).toBe(
      'The provided authorization grant or refresh token is invalid, expired or revoked',
    );
    expect(scrubDescription(undefined)).toBeUndefined();
  });
});

describe('scrubDescription limits', () => {
  it('keeps long runs that are only letters or only digits (words, ids of a kind), and cuts at 500 characters', () => {
    expect(scrubDescription('Campaign 123456789012345678901234 in ThisIsAVeryLongCamelCaseWordOnly failed')).toBe(
      'Campaign 123456789012345678901234 in ThisIsAVeryLongCamelCaseWordOnly failed',
    );
    const long = scrubDescription('word '.repeat(200)) ?? '';
    expect(long).toHaveLength(501);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('invalidResponseError', () => {
  it('names the failing paths once each, the whole body as (body), and never the values', () => {
    const err = invalidResponseError(200, [{ path: [] }, { path: ['data', 0, 'spend'] }, { path: ['data', 0, 'spend'] }]);
    expect(err).toMatchObject({ code: 'invalid_response', status: 200, kind: 'transient', description: 'unexpected response shape at (body), data.0.spend' });
  });
});
