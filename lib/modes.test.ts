import { describe, expect, it } from 'vitest';
import type { Env } from './env';
import { activeDefaults, exposureWarning, simulatorEnabled } from './modes';

/** The dashboard banner's list of embedded defaults, and what turns each one off (issue 11 §6). */

function env(overrides: Partial<Env> & { mode?: 'local' | 'clerk' }): Env {
  const { mode = 'local', ...rest } = overrides;
  return {
    databaseUrl: undefined,
    dataDir: '/srv/gk-data',
    encryptionKeys: undefined,
    simulator: undefined,
    nodeEnv: 'development',
    localAllowRemote: false,
    auth: { mode },
    ...rest,
  } as unknown as Env;
}

describe('simulatorEnabled', () => {
  it('is on when asked, off when asked, and unset on everywhere but production', () => {
    expect(simulatorEnabled({ simulator: 'on', nodeEnv: 'production' } as Env)).toBe(true);
    expect(simulatorEnabled({ simulator: 'off', nodeEnv: 'development' } as Env)).toBe(false);
    expect(simulatorEnabled({ simulator: undefined, nodeEnv: 'development' } as Env)).toBe(true);
    expect(simulatorEnabled({ simulator: undefined, nodeEnv: 'production' } as Env)).toBe(false);
  });
});

describe('activeDefaults', () => {
  it('a fresh local install lists all four defaults, naming the data directory', () => {
    const list = activeDefaults(env({}));
    expect(list.map((d) => d.id)).toEqual(['database', 'sign-in', 'simulator', 'key']);
    expect(list[0]!.now).toBe('PGlite in /srv/gk-data');
    expect(list[3]!.now).toBe('Kept in /srv/gk-data/encryption.key');
    expect(list[0]!.toProduction).toMatch(/DATABASE_URL/);
  });

  it('with Clerk sign-in the embedded database does not reveal the server path', () => {
    const list = activeDefaults(env({ mode: 'clerk', encryptionKeys: 'k', simulator: 'off' }));
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: 'database', now: 'PGlite, on this server’s disk' });
    expect(list[0]!.now).not.toContain('/srv/gk-data');
  });

  it('a production configuration lists nothing', () => {
    expect(activeDefaults(env({ mode: 'clerk', databaseUrl: 'postgres://x', encryptionKeys: 'k', nodeEnv: 'production' }))).toEqual([]);
  });
});

describe('exposureWarning', () => {
  it('warns only in local mode opened to the network', () => {
    expect(exposureWarning(env({ localAllowRemote: true }))).toMatch(/^LOCAL_MODE_ALLOW_REMOTE=on: .*read every access token/);
    expect(exposureWarning(env({ localAllowRemote: false }))).toBeNull();
    expect(exposureWarning(env({ mode: 'clerk', localAllowRemote: true }))).toBeNull();
  });
});
