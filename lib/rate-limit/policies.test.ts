import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '../env';
import { clientIp } from './client-ip';
import { rateLimitHeaders } from './headers';
import { parseRateSpec, RATE_LIMIT_POLICIES } from './policies';

describe('rate limit settings', () => {
  it('parses <count>/<window> with s, m or h', () => {
    expect(parseRateSpec('600/60s')).toEqual({ limit: 600, windowSec: 60 });
    expect(parseRateSpec('10/5m')).toEqual({ limit: 10, windowSec: 300 });
    expect(parseRateSpec('20/1h')).toEqual({ limit: 20, windowSec: 3600 });
    expect(parseRateSpec('7/30')).toEqual({ limit: 7, windowSec: 30 });
    for (const bad of ['0/60s', '5/0s', '5/2d', '5/25h', 'many', '-1/60s', '5 per minute', '']) expect(parseRateSpec(bad), bad).toBeUndefined();
  });

  it('are on by default with the documented defaults, off with RATE_LIMITS=off, overridable one by one', () => {
    const defaults = parseEnv({}).rateLimits;
    expect(defaults.enabled).toBe(true);
    expect(defaults.trustProxy).toBe(false);
    expect(defaults.policies.token_api).toEqual({ name: 'token_api', limit: 600, windowSec: 60 });
    expect(Object.keys(defaults.policies).sort()).toEqual(Object.keys(RATE_LIMIT_POLICIES).sort());
    expect(parseEnv({ RATE_LIMITS: 'off' }).rateLimits.enabled).toBe(false);
    const custom = parseEnv({ RATE_LIMIT_TOKEN_API: '1200/2m', TRUST_PROXY: 'on' }).rateLimits;
    expect(custom.policies.token_api).toEqual({ name: 'token_api', limit: 1200, windowSec: 120 });
    expect(custom.policies.callback).toEqual({ name: 'callback', limit: 30, windowSec: 60 });
    expect(custom.trustProxy).toBe(true);
  });

  it('refuse a malformed override at start, naming the variable', () => {
    expect(() => parseEnv({ RATE_LIMIT_CALLBACK: 'lots' })).toThrow(EnvError);
    expect(() => parseEnv({ RATE_LIMIT_CALLBACK: 'lots' })).toThrow(/RATE_LIMIT_CALLBACK: a rate limit is <count>\/<window>/);
  });
});

describe('client address for per-IP limits', () => {
  const h = (headers: Record<string, string>) => new Headers(headers);

  it('without TRUST_PROXY, ignores every forwarding header (a client could write them): one shared bucket', () => {
    expect(clientIp(h({ 'x-forwarded-for': '203.0.113.7', 'x-real-ip': '203.0.113.8' }), false)).toBe('unknown');
    expect(clientIp(h({}), false)).toBe('unknown');
  });

  it('with TRUST_PROXY=on, takes the first X-Forwarded-For hop when it is an address', () => {
    expect(clientIp(h({ 'x-forwarded-for': '203.0.113.7, 10.0.0.1' }), true)).toBe('203.0.113.7');
    expect(clientIp(h({ 'x-forwarded-for': '2001:DB8::1' }), true)).toBe('2001:db8::1');
    expect(clientIp(h({ 'x-forwarded-for': '[2001:db8::2]' }), true)).toBe('2001:db8::2');
    expect(clientIp(h({ 'x-forwarded-for': 'not-an-address' }), true)).toBe('unknown');
    expect(clientIp(h({}), true)).toBe('unknown');
  });
});

describe('RateLimit header fields (draft-ietf-httpapi-ratelimit-headers)', () => {
  it('name the policy and give quota, window, remaining and reset', () => {
    const policy = { name: 'token_api' as const, limit: 100, windowSec: 60 };
    expect(rateLimitHeaders({ policy, allowed: false, remaining: 0, resetSec: 37 })).toEqual({
      'ratelimit-policy': '"token_api";q=100;w=60',
      ratelimit: '"token_api";r=0;t=37',
    });
  });
});
