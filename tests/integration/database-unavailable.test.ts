import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { asUser, openDatabase } from '@/lib/db';
import { isDatabaseUnavailable } from '@/lib/db/errors';
import { startPostgres } from '../support/postgres-server';

/**
 * The database every request uses (openDatabase) marks "cannot reach the database" errors so the
 * API answers 503 and pages say so, and scrubs query parameters from every error it throws.
 */

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('errors of the process database', () => {
  it('a PostgreSQL that stops mid-run: queries and transactions fail as database unavailable', async () => {
    const pg = await startPostgres();
    let stopped = false;
    try {
      const db = await openDatabase({ databaseUrl: pg.url, dataDir: os.tmpdir(), migrate: 'off' });
      expect(await db.query('select 1 as one')).toEqual([{ one: 1 }]);
      pg.stop();
      stopped = true;
      for (const attempt of [() => db.query('select 1'), () => db.transaction((tx) => tx.query('select 1')), () => asUser(db, 'u', (tx) => tx.query('select 1'))]) {
        const err = await attempt().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(Error);
        expect(isDatabaseUnavailable(err), inspect(err)).toBe(true);
        expect(err).toMatchObject({ digest: 'database_unavailable' });
      }
      await db.close().catch(() => {});
    } finally {
      if (!stopped) pg.stop();
    }
  });

  it('on the embedded database: a query error carries no parameters, a caller error passes untouched, closed is unavailable', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grantkeeper-dberr-'));
    dirs.push(dir);
    const db = await openDatabase({ databaseUrl: undefined, dataDir: dir, migrate: 'off' });
    const secretHash = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
    const bad = await db.query('select $1::text as hash, $2::text as name', [secretHash, 'nul\u0000name']).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(bad)).toBe(false);
    // What Next would print for it, were it unhandled.
    expect(inspect(bad, { depth: 5 })).not.toContain(secretHash);
    const inTx = await db.transaction((tx) => tx.query('select $1::int', [secretHash])).catch((e: unknown) => e);
    expect(inspect(inTx, { depth: 5 })).not.toContain(`'${secretHash}'`);

    // A provider's refusal thrown inside a transaction is the caller's error, not the database's.
    const mine = Object.assign(new Error('provider refused'), { code: 'ECONNREFUSED' });
    const passed = await db
      .transaction(async () => {
        throw mine;
      })
      .catch((e: unknown) => e);
    expect(passed).toBe(mine);
    expect(isDatabaseUnavailable(passed)).toBe(false);

    await db.close();
    const closed = await db.query('select 1').catch((e: unknown) => e);
    expect(isDatabaseUnavailable(closed), inspect(closed)).toBe(true);
  });
});
