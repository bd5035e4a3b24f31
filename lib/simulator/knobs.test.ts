import { describe, expect, it } from 'vitest';
import { applyKnobPatch, DEFAULT_KNOBS, knobsFromEnv, takeInjectedFailure } from './knobs';

describe('simulator knobs', () => {
  it('default to providers.md lifetimes', () => {
    expect(DEFAULT_KNOBS['amazon-ads'].accessTokenTtlSec).toBe(3600);
    expect(DEFAULT_KNOBS.linkedin.accessTokenTtlSec).toBe(5_184_000);
    expect(DEFAULT_KNOBS.linkedin.programmaticRefresh).toBe(true);
    expect(DEFAULT_KNOBS.x.accessTokenTtlSec).toBe(7200);
    expect(DEFAULT_KNOBS.meta.longLivedTtlSec).toBe(5_183_944);
  });

  it('read SIMULATOR_* overrides from the environment', () => {
    const knobs = knobsFromEnv({ SIMULATOR_ACCESS_TOKEN_TTL: '120', SIMULATOR_LATENCY_MS: '40', SIMULATOR_LINKEDIN_REFRESH: 'off', SIMULATOR_AMAZON_EXPIRES_IN_STRING: 'on' });
    expect(knobs.x.accessTokenTtlSec).toBe(120);
    expect(knobs.linkedin.accessTokenTtlSec).toBe(120);
    expect(knobs.meta.longLivedTtlSec).toBe(120);
    expect(knobs['amazon-ads'].latencyMs).toBe(40);
    expect(knobs.linkedin.programmaticRefresh).toBe(false);
    expect(knobs['amazon-ads'].expiresInAsString).toBe(true);
    expect(knobsFromEnv({})).toEqual(DEFAULT_KNOBS);
  });

  it('name the variable when a value is malformed', () => {
    expect(() => knobsFromEnv({ SIMULATOR_ACCESS_TOKEN_TTL: 'soon' })).toThrow(/SIMULATOR_ACCESS_TOKEN_TTL/);
  });

  it('apply patches without touching the original', () => {
    const next = applyKnobPatch(DEFAULT_KNOBS, { meta: { accessTokenTtlSec: 10 } });
    expect(next.meta.accessTokenTtlSec).toBe(10);
    expect(next.meta.longLivedTtlSec).toBe(5_183_944);
    expect(DEFAULT_KNOBS.meta.accessTokenTtlSec).toBe(5400);
  });

  it('give each provider its own copy of failures set for all', () => {
    const knobs = applyKnobPatch(DEFAULT_KNOBS, { all: { failures: [{ kind: 'server_error' }] } });
    expect(takeInjectedFailure(knobs, 'x')?.kind).toBe('server_error');
    expect(takeInjectedFailure(knobs, 'meta')?.kind).toBe('server_error');
  });

  it('consume injected failures one per call, in order', () => {
    const knobs = applyKnobPatch(DEFAULT_KNOBS, { x: { failures: [{ kind: 'rate_limited', count: 2 }, { kind: 'server_error' }] } });
    expect([1, 2, 3, 4].map(() => takeInjectedFailure(knobs, 'x')?.kind)).toEqual(['rate_limited', 'rate_limited', 'server_error', undefined]);
  });
});
