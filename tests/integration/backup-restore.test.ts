import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NextRequest } from 'next/server';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { GET as accessTokenRoute } from '@/app/api/v1/connections/[id]/access-token/route';
import { createApiKey } from '@/lib/api-keys/keys';
import { backupDatabase, restoreDatabase } from '@/lib/backup/backup';
import { getDb, openDatabase, type Database } from '@/lib/db';
import { migrate, migrationStatus } from '@/lib/db/migrate';
import { openPGlite } from '@/lib/db/pglite-driver';
import { parseEnv, resetEnvForTests } from '@/lib/env';
import { getFreshAccessToken } from '@/lib/refresh/fresh-token';
import { generateFernetKey, MultiFernet } from '@/lib/tokens/fernet';
import { encryptToken } from '@/lib/tokens/keys';
import { checkStoredSecrets } from '@/lib/tokens/verify';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { insertLiveConnection, insertUser } from '../support/fixtures';
import { useDatabase } from '../support/route-session';

const KEYS = process.env.ENCRYPTION_KEYS!;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'grantkeeper-backup-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A user with an API key and a connection holding live-looking encrypted tokens. */
async function seed(db: Database) {
  await insertUser(db, 'user_backup');
  const connectionId = await insertLiveConnection(db, {
    userId: 'user_backup',
    provider: 'amazon-ads',
    externalAccountId: 'amzn1.account.BACKUP',
    accessTokenEnc: encryptToken('Atza|access-before-backup'),
    refreshTokenEnc: encryptToken('Atzr|refresh-before-backup'),
    expiresInSec: 3600,
    nextAttemptInSec: 3000,
  });
  const { key } = await createApiKey(db, { userId: 'user_backup', name: 'sync job' });
  return { connectionId, key };
}

const env = (vars: { databaseUrl?: string; dataDir: string; encryptionKeys?: string }) => ({
  databaseUrl: vars.databaseUrl,
  dataDir: vars.dataDir,
  encryptionKeys: vars.encryptionKeys ?? KEYS,
  migrate: 'auto' as const,
});

describe('db:backup and db:restore', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it('PostgreSQL: pg_dump custom format, restored into a fresh database the app starts on; the token API serves the token', async () => {
    const source: TestDatabase = await createTestDatabase('postgres');
    cleanup.push(() => source.dispose());
    const { connectionId, key } = await seed(source.db);
    const file = path.join(tmp, 'pg.dump');
    expect(await backupDatabase(env({ databaseUrl: source.url, dataDir: tmp }), file)).toMatchObject({ kind: 'postgres' });
    expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe('PGDMP');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    const fresh: TestDatabase = await createTestDatabase('postgres', { migrated: false });
    cleanup.push(() => fresh.dispose());
    const restored = await restoreDatabase(env({ databaseUrl: fresh.url, dataDir: tmp }), file);
    expect(restored.secrets).toEqual({ checked: 2, unreadable: {} });
    expect(await migrationStatus(fresh.db)).toMatchObject({ pending: [] });
    // Never over a database that has tables.
    await expect(restoreDatabase(env({ databaseUrl: fresh.url, dataDir: tmp }), file)).rejects.toThrow(/already has tables/);

    // Start the app on the restored database: the token route reads it through lib/db.
    process.env.DATABASE_URL = fresh.url;
    resetEnvForTests();
    cleanup.push(async () => {
      await (await getDb()).close();
      useDatabase(undefined);
      delete process.env.DATABASE_URL;
      resetEnvForTests();
    });
    const res = await accessTokenRoute(
      new NextRequest(`http://localhost:3000/api/v1/connections/${connectionId}/access-token`, {
        headers: { authorization: `Bearer ${key}`, 'x-request-id': 'backup-test' },
      }),
      { params: Promise.resolve({ id: connectionId }) },
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ access_token: 'Atza|access-before-backup', token_type: 'bearer' });
  }, 120_000);

  it('embedded PGlite: the data-directory dump restores into an empty data directory, and every token decrypts and is served', async () => {
    const sourceDir = path.join(tmp, 'embedded-source');
    const db = await openPGlite(sourceDir);
    await migrate(db);
    const { connectionId } = await seed(db);
    await db.close();
    const file = path.join(tmp, 'embedded.tar.gz');
    expect(await backupDatabase(env({ dataDir: sourceDir }), file)).toMatchObject({ kind: 'pglite' });

    const targetDir = path.join(tmp, 'embedded-restored');
    expect((await restoreDatabase(env({ dataDir: targetDir }), file)).secrets).toEqual({ checked: 2, unreadable: {} });
    await expect(restoreDatabase(env({ dataDir: targetDir }), file)).rejects.toThrow(/already holds a database/);

    const restoredEnv = parseEnv({ SIMULATOR: 'on', ENCRYPTION_KEYS: KEYS, GRANTKEEPER_DATA_DIR: targetDir });
    const restored = await openDatabase(restoredEnv);
    cleanup.push(() => restored.close());
    const token = await getFreshAccessToken({
      db: restored,
      env: restoredEnv,
      userId: 'user_backup',
      connectionId,
      actor: 'api_key:test',
      origin: 'http://localhost:3000',
    });
    expect(token.accessToken).toBe('Atza|access-before-backup');

    // The check is real: keys that did not write the backup read none of it.
    expect(await checkStoredSecrets(restored, new MultiFernet([generateFernetKey()]))).toEqual({ checked: 2, unreadable: { 'connections.access_token_enc': 1, 'connections.refresh_token_enc': 1 } });
  }, 240_000);

});
