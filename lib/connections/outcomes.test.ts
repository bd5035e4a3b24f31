import { describe, expect, it } from 'vitest';
import { callbackUrl, publicOrigin, safeReturnPath } from './origin';
import { isOutcomeCode, outcomeMessage } from './outcomes';

describe('the outcome toast after connecting', () => {
  it('names the account and provider when a region was added to an existing connection', () => {
    expect(outcomeMessage('region_added', { account: 'Avery Quinn', provider: 'Amazon Ads', region: 'Europe' })).toBe(
      'Avery Quinn (Amazon Ads) was already connected; Europe profiles added.',
    );
    expect(outcomeMessage('region_added', { account: 'Avery Quinn' })).toBe('Avery Quinn was already connected; the profiles of that region added.');
    expect(outcomeMessage('region_added')).toBe('This account was already connected; the profiles of that region added.');
  });

  it('other outcomes show their fixed message, whatever the context', () => {
    expect(outcomeMessage('bad_region', { account: 'Avery Quinn' })).toBe('Choose a region: North America, Europe or Far East.');
  });

  it('only known outcome codes from a query string are shown (not inherited names, not nothing)', () => {
    expect(isOutcomeCode('not_found')).toBe(true);
    expect(isOutcomeCode('toString')).toBe(false);
    expect(isOutcomeCode('<script>')).toBe(false);
    expect(isOutcomeCode(null)).toBe(false);
  });
});

describe('where the flow sends the browser', () => {
  const headers = (h: Record<string, string>) => new Headers(h);

  it('the origin is APP_URL, else the Host the request came to, else the request URL’s own', () => {
    expect(publicOrigin({ appUrl: 'https://keeper.example.com', trustProxy: false }, { url: 'http://localhost:3000/x', headers: headers({ host: 'evil.test' }) })).toBe(
      'https://keeper.example.com',
    );
    expect(publicOrigin({ appUrl: undefined, trustProxy: false }, { url: 'http://localhost:3000/x', headers: headers({ host: 'keeper.lan:8080' }) })).toBe(
      'http://keeper.lan:8080',
    );
    expect(publicOrigin({ appUrl: undefined, trustProxy: false }, { url: 'http://localhost:3000/x', headers: headers({}) })).toBe('http://localhost:3000');
  });

  it('the callback URL is the same for authorize and callback', () => {
    expect(callbackUrl('https://keeper.example.com', 'amazon-ads')).toBe('https://keeper.example.com/api/v1/oauth/amazon-ads/callback');
  });

  it.each([
    ['/connections/abc?tab=insights', '/connections/abc?tab=insights'],
    ['//evil.example/path', '/'],
    ['/\\evil.example', '/'],
    ['https://evil.example/', '/'],
    [`/${'a'.repeat(250)}`, '/'],
    ['', '/'],
    [null, '/'],
    [undefined, '/'],
  ])('return path %s → %s (same-site paths only)', (path, expected) => {
    expect(safeReturnPath(path)).toBe(expected);
  });
});
