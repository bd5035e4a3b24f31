import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { inject } from 'vitest';
import { migrate } from '@/lib/db/migrate';
import { openPGlite } from '@/lib/db/pglite-driver';
import { openPostgres } from '@/lib/db/postgres-driver';
import type { Database } from '@/lib/db/types';

export type Driver = 'pglite' | 'postgres';
export const DRIVERS: Driver[] = ['pglite', 'postgres'];

export interface TestDatabase {
  db: Database;
  url?: string;
  dispose(): Promise<void>;
}

/** A fresh, migrated database on the given driver: a temp-dir PGlite or a new PostgreSQL database. */
export async function createTestDatabase(driver: Driver, options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const result = driver === 'pglite' ? await createPGlite() : await createPostgresDatabase();
  if (options.migrated !== false) await migrate(result.db);
  return result;
}

async function createPGlite(): Promise<TestDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grantkeeper-pglite-'));
  const db = await openPGlite(dir);
  return {
    db,
    async dispose() {
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function createPostgresDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('postgresUrl');
  const name = `gk_${crypto.randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  const db = await openPostgres(url, { max: 20 });
  return {
    db,
    url,
    async dispose() {
      await db.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
