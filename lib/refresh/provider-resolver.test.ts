import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Env } from '../env';

/** Provider discovery once per sweep, retried after a failure (issue 11 §6). */

const resolveProvider = vi.hoisted(() => vi.fn());
vi.mock('../providers/registry', () => ({ resolveProvider }));

const { createProviderResolver, internalOrigin } = await import('./provider-resolver');

const env = {} as Env;
beforeEach(() => resolveProvider.mockReset());
afterEach(() => vi.unstubAllEnvs());

describe('createProviderResolver', () => {
  it('discovers each provider once, with the injected fetch and the discovery timeout', async () => {
    const fetchFn = vi.fn() as unknown as typeof fetch;
    resolveProvider.mockResolvedValue({ slug: 'linkedin' });
    const resolve = createProviderResolver(env, { origin: 'http://gk.test', fetch: fetchFn });
    expect(await resolve('linkedin')).toEqual({ slug: 'linkedin' });
    await resolve('linkedin');
    expect(resolveProvider).toHaveBeenCalledTimes(1);
    expect(resolveProvider).toHaveBeenCalledWith('linkedin', { env, origin: 'http://gk.test', fetch: fetchFn, timeoutMs: 15_000 });
  });

  it('does not cache a failed discovery: the next call tries again', async () => {
    resolveProvider.mockRejectedValueOnce(new Error('discovery timed out')).mockResolvedValueOnce({ slug: 'x' });
    const resolve = createProviderResolver(env, { origin: 'http://gk.test' });
    await expect(resolve('x')).rejects.toThrow('discovery timed out');
    expect(await resolve('x')).toEqual({ slug: 'x' });
    expect(resolveProvider).toHaveBeenCalledTimes(2);
    // Without an injected fetch, simulated providers are served by this server.
    expect(typeof resolveProvider.mock.calls[0]![1].fetch).toBe('function');
  });
});

describe('internalOrigin', () => {
  it('is APP_URL when set, else localhost on PORT (3000 by default)', () => {
    expect(internalOrigin({ appUrl: 'https://gk.example.com/app' })).toBe('https://gk.example.com');
    vi.stubEnv('PORT', '4100');
    expect(internalOrigin({ appUrl: undefined })).toBe('http://localhost:4100');
    vi.stubEnv('PORT', undefined);
    expect(internalOrigin({ appUrl: undefined })).toBe('http://localhost:3000');
  });
});
