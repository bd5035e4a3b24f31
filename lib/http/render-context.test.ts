import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Database } from '../db';
import { resetEnvForTests } from '../env';
import { captureLines, restoreProcessLogger } from '@/tests/support/capture-log';
import { createTestDatabase, type TestDatabase } from '@/tests/support/databases';

/**
 * A page render logs with its request's id, as route handlers and server actions do: lib code a
 * page calls (here getDb opening the database, which logs "database opened") carries the id
 * proxy.ts put on the request and echoed on the response as x-request-id.
 */

let requestHeaders = new Headers();
vi.mock('next/headers', () => ({ headers: async () => requestHeaders, cookies: async () => new Map() }));
vi.mock('../auth/session', () => ({ getSessionUser: async () => ({ id: 'render-user', mode: 'local' }) }));

const dbHolder = globalThis as unknown as { grantkeeperDb?: Promise<Database> };
const saved = { db: dbHolder.grantkeeperDb, url: process.env.DATABASE_URL };
let t: TestDatabase;

beforeAll(async () => {
  // A migrated PostgreSQL database the page's getDb() opens itself (and logs that it did).
  t = await createTestDatabase('postgres');
  process.env.DATABASE_URL = t.url;
  resetEnvForTests();
  dbHolder.grantkeeperDb = undefined;
});

afterAll(async () => {
  await (await dbHolder.grantkeeperDb)?.close();
  dbHolder.grantkeeperDb = saved.db;
  restoreProcessLogger();
  if (saved.url === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = saved.url;
  resetEnvForTests();
  await t.dispose();
});

describe('page renders', () => {
  it('a line lib code logs while the audit page renders carries the request id', async () => {
    const { default: AuditPage } = await import('@/app/audit/page');
    const lines = captureLines();
    requestHeaders = new Headers({ 'x-request-id': 'req-page-render-1' });
    await AuditPage({ searchParams: Promise.resolve({}) });
    const opened = lines.find((l) => l.msg === 'database opened');
    expect(opened, JSON.stringify(lines)).toMatchObject({ requestId: 'req-page-render-1', driver: 'postgres' });
    expect(lines.every((l) => l.requestId === 'req-page-render-1')).toBe(true);
  });

  it('every page.tsx, layout.tsx and async not-found.tsx renders inside withRequestContext (a new one that skips it fails here)', () => {
    const root = path.resolve(import.meta.dirname, '../../app');
    const files = fs
      .readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((f) => /(^|\/)(page|layout)\.tsx$/.test(f) || (/(^|\/)not-found\.tsx$/.test(f) && /async function/.test(fs.readFileSync(path.join(root, f), 'utf8'))));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const source = fs.readFileSync(path.join(root, file), 'utf8');
      expect(source, file).toMatch(/^export default withRequestContext\((async )?function \w+\(/m);
    }
  });
});
