import { afterEach, describe, expect, it, vi } from 'vitest';
import { commitSha } from './commit-sha';

vi.mock('./db', () => ({ getDb: async () => Promise.reject(Object.assign(new Error('down'), { code: 'ECONNREFUSED' })) }));

describe('commitSha (health "commit", Sentry release)', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('reads Vercel, then Railway, then a generic GIT_COMMIT_SHA: the first set wins', () => {
    expect(commitSha({ VERCEL_GIT_COMMIT_SHA: 'aaa1111', RAILWAY_GIT_COMMIT_SHA: 'bbb2222', GIT_COMMIT_SHA: 'ccc3333' })).toBe('aaa1111');
    expect(commitSha({ RAILWAY_GIT_COMMIT_SHA: 'bbb2222', GIT_COMMIT_SHA: 'ccc3333' })).toBe('bbb2222');
    expect(commitSha({ VERCEL_GIT_COMMIT_SHA: ' ', GIT_COMMIT_SHA: 'ccc3333' })).toBe('ccc3333');
    expect(commitSha({})).toBeNull();
  });

  it('health reports the Railway commit when Vercel’s is not set', async () => {
    vi.stubEnv('VERCEL_GIT_COMMIT_SHA', '');
    vi.stubEnv('RAILWAY_GIT_COMMIT_SHA', '0123456789abcdef0123456789abcdef01234567');
    const { checkHealth } = await import('./health');
    expect((await checkHealth()).commit).toBe('0123456789abcdef0123456789abcdef01234567');
  });
});
