import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Database, Sql } from './types';

/**
 * Which database opens and when migrations run by themselves (issue 11 §6): the embedded one and
 * a local PostgreSQL are migrated at start; a remote one only with DB_MIGRATE=on; a database that
 * fails to open is retried by the next request instead of failing every later one.
 */

const m = vi.hoisted(() => ({
  openPGlite: vi.fn(),
  openPostgres: vi.fn(),
  migrate: vi.fn(),
  env: { databaseUrl: undefined as string | undefined, dataDir: '/srv/gk-data', migrate: 'auto' as 'auto' | 'on' | 'off' },
}));

vi.mock('./pglite-driver', () => ({ openPGlite: m.openPGlite }));
vi.mock('./postgres-driver', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./postgres-driver')>()),
  openPostgres: m.openPostgres,
}));
vi.mock('./migrate', () => ({ migrate: m.migrate }));
vi.mock('../env', () => ({ getEnv: () => m.env }));

const { openDatabase, getDb, asUser } = await import('./index');

function fakeDb(driver: 'pglite' | 'postgres'): Database & { statements: string[] } {
  const statements: string[] = [];
  const sql: Sql = {
    query: async <T extends object>(text: string) => {
      statements.push(text);
      return [] as T[];
    },
    exec: async () => {},
  };
  return { driver, ...sql, transaction: (fn) => fn(sql), close: async () => {}, statements } as Database & { statements: string[] };
}

beforeEach(() => {
  vi.clearAllMocks();
  m.openPGlite.mockImplementation(async () => fakeDb('pglite'));
  m.openPostgres.mockImplementation(async () => fakeDb('postgres'));
  m.migrate.mockResolvedValue(['20261203000000_init.sql']);
  delete (globalThis as { grantkeeperDb?: unknown }).grantkeeperDb;
});

describe('openDatabase', () => {
  it('without DATABASE_URL opens the embedded database in the data directory and migrates it', async () => {
    const db = await openDatabase({ databaseUrl: undefined, dataDir: '/srv/gk-data', migrate: 'auto' });
    expect(db.driver).toBe('pglite');
    expect(m.openPGlite).toHaveBeenCalledWith('/srv/gk-data');
    expect(m.migrate).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['postgres://gk@localhost:5432/gk', 'auto', true],
    ['postgres://gk@127.0.0.1/gk', 'auto', true],
    ['postgres://gk@[::1]/gk', 'auto', true],
    ['postgres://gk@db.abc.supabase.co:6543/postgres', 'auto', false],
    ['postgres://gk@db.abc.supabase.co:6543/postgres', 'on', true],
    ['postgres://gk@localhost/gk', 'off', false],
  ] as const)('%s with DB_MIGRATE=%s migrates: %s', async (url, migrate, expected) => {
    const db = await openDatabase({ databaseUrl: url, dataDir: '/unused', migrate });
    expect(db.driver).toBe('postgres');
    expect(m.openPostgres).toHaveBeenCalledWith(url, { prepare: undefined });
    expect(m.openPGlite).not.toHaveBeenCalled();
    expect(m.migrate).toHaveBeenCalledTimes(expected ? 1 : 0);
  });

  it('opens fine when there is nothing to migrate', async () => {
    m.migrate.mockResolvedValue([]);
    await expect(openDatabase({ databaseUrl: undefined, dataDir: '/d', migrate: 'on' })).resolves.toMatchObject({ driver: 'pglite' });
  });
});

describe('getDb', () => {
  it('opens once per process, and a failed open is retried by the next caller with the error scrubbed', async () => {
    m.openPGlite.mockRejectedValueOnce(Object.assign(new Error('lock held'), { params: ['secret-param'] }));
    const err = await getDb().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toHaveProperty('params');
    const db = await getDb();
    expect(await getDb()).toBe(db);
    expect(m.openPGlite).toHaveBeenCalledTimes(2);
  });
});

describe('asUser', () => {
  it('runs the work as role authenticated with the user as JWT subject, in one transaction', async () => {
    const db = fakeDb('postgres');
    const result = await asUser(db, 'user_1', async (tx) => {
      await tx.query('select 1');
      return 'done';
    });
    expect(result).toBe('done');
    expect(db.statements[0]).toMatch(/set_config\('request\.jwt\.claims', \$1, true\), set_config\('role', 'authenticated', true\)/);
    expect(db.statements[1]).toBe('select 1');
  });
});
