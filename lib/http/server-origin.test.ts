import { beforeEach, describe, expect, it, vi } from 'vitest';

const requestHeaders = vi.hoisted(() => ({ current: new Headers() }));
vi.mock('next/headers', () => ({ headers: async () => requestHeaders.current }));

const { serverOrigin } = await import('./server-origin');

describe('serverOrigin (server actions and components, item 3)', () => {
  beforeEach(() => {
    requestHeaders.current = new Headers({ host: 'localhost:3000', 'x-forwarded-host': 'attacker.example:4444', 'x-forwarded-proto': 'https' });
  });

  it('ignores a forged X-Forwarded-Host: a disconnect must not send tokens to the attacker’s host', async () => {
    expect(await serverOrigin({ appUrl: undefined, trustProxy: false })).toBe('http://localhost:3000');
  });

  it('uses APP_URL when set, and the forwarded headers only with TRUST_PROXY=on', async () => {
    expect(await serverOrigin({ appUrl: 'https://gk.example.com', trustProxy: false })).toBe('https://gk.example.com');
    expect(await serverOrigin({ appUrl: undefined, trustProxy: true })).toBe('https://attacker.example:4444');
  });
});
