import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv, resetEnvForTests } from '@/lib/env';
import { buildMapping } from '@/lib/import/mapping';
import { SKIP } from '@/lib/import/plan';
import { formatImportReport } from '@/lib/import/report';
import { importPrototype, type ImportReport } from '@/lib/import/run';
import { openPostgres } from '@/lib/db/postgres-driver';
import type { Database } from '@/lib/db/types';
import { seedGrant } from '@/lib/simulator/seed';
import { generateFernetKey, InvalidFernetToken, MultiFernet } from '@/lib/tokens/fernet';
import { createImportCipher, keyFingerprint } from '@/lib/tokens/import-cipher';
import { resetCipherForTests } from '@/lib/tokens/keys';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { insertConnection, insertUser } from '../support/fixtures';
import { createPrototypeDatabase, PROTOTYPE_SCHEMA, pythonFernetEncrypt, type PrototypeDatabase } from '../support/prototype-database';
import { createHarness } from '../support/refresh-harness';

const GK_KEY = process.env.ENCRYPTION_KEYS!;
const PROTOTYPE_KEY = generateFernetKey();
const AMAZON_SCOPES = ['advertising::campaign_management', 'profile'];

function useKeys(keys: string): void {
  process.env.ENCRYPTION_KEYS = keys;
  resetEnvForTests();
  resetCipherForTests();
}

/** Counts of everything the importer may write, to prove a refusal or a re-run wrote nothing. */
async function counts(db: Database) {
  const [row] = await db.query<{ users: number; connections: number; audit: number; ledger: number }>(
    `select (select count(*)::int from users) as users, (select count(*)::int from connections) as connections,
            (select count(*)::int from audit_events) as audit, (select count(*)::int from prototype_imports) as ledger`,
  );
  return row!;
}

const skipped = (report: ImportReport, table: keyof NonNullable<ImportReport['tallies']>) =>
  Object.fromEntries(report.tallies![table].skipped);

describe('npm run import:prototype', () => {
  let proto: PrototypeDatabase;
  let source: Database;
  let t: TestDatabase;
  const harness = () => createHarness(t.db, { ...parseEnv({ SIMULATOR: 'on', ENCRYPTION_KEYS: `${GK_KEY},${PROTOTYPE_KEY}` }) }, 'user_alice');
  let h: ReturnType<typeof harness>;
  let grants: Record<'a1' | 'a2', { accessToken: string; refreshToken: string }>;
  const run = (dryRun: boolean, keys = `${GK_KEY},${PROTOTYPE_KEY}`, mapping: unknown = {}) =>
    importPrototype(t.db, source, { mapping: buildMapping(mapping), cipher: createImportCipher(keys), dryRun });

  beforeAll(async () => {
    useKeys(`${GK_KEY},${PROTOTYPE_KEY}`);
    proto = await createPrototypeDatabase();
    source = await openPostgres(proto.url, { max: 1 });
    t = await createTestDatabase('postgres');
    h = harness();
    grants = {
      a1: seedGrant(h.sim, 'amazon-ads', { personaId: 'amzn1.account.ALICE1', scopes: AMAZON_SCOPES }),
      a2: seedGrant(h.sim, 'amazon-ads', { personaId: 'amzn1.account.ALICE2', scopes: AMAZON_SCOPES }),
    };
    const [oldAccess, a1Access, a1Refresh, a2Access, a2Refresh, bobAccess, bobRefresh, carolRefresh] = pythonFernetEncrypt(PROTOTYPE_KEY, [
      'an-older-access-token',
      grants.a1.accessToken,
      grants.a1.refreshToken,
      grants.a2.accessToken,
      grants.a2.refreshToken,
      'bob-access',
      'bob-refresh',
      'carol-refresh',
    ]);
    // Carol connected her account in Grantkeeper before the import: hers is the newer grant.
    await insertUser(t.db, 'user_carol');
    await insertConnection(t.db, { userId: 'user_carol', provider: 'amazon-ads', externalAccountId: 'amzn1.account.CAROL' });
    await proto.sql.unsafe(
      `insert into users (clerk_user_id, email, created_at) values
         ('user_alice', 'alice@example.com', '2025-01-02T03:04:05Z'), ('user_bob', 'bob@example.com', now()), ('user_carol', null, now())`,
    );
    await proto.sql.unsafe(
      `insert into user_accounts (user_id, amazon_user_id, account_name, region, access_token, refresh_token, token_expires_at, scopes, metadata, is_active) values
         (1, 'amzn1.account.ALICE1', 'Alice Ads', 'NA', null, null, null, 'advertising::campaign_management profile', '{"profiles": [{"profileId": 42}]}', true),
         (1, 'amzn1.account.ALICE2', 'Alice EU', 'eu', $1, $2, now() + interval '20 minutes', null, null, true),
         (2, 'amzn1.account.BOB', 'Bob (gone)', 'na', $3, $4, now(), null, null, false),
         (2, 'amzn1.account.BOB2', 'Bob, no refresh', 'na', $3, null, now(), null, null, true),
         (3, 'amzn1.account.CAROL', 'Carol', 'fe', null, $5, now(), null, null, true)`,
      [a2Access!, a2Refresh!, bobAccess!, bobRefresh!, carolRefresh!],
    );
    await proto.sql.unsafe(
      `insert into encrypted_tokens (user_account_id, token_type, encrypted_token, expires_at, created_at) values
         (1, 'access_token', $1, now() - interval '1 day', now() - interval '2 hours'),
         (1, 'access_token', $2, now() + interval '50 minutes', now() - interval '10 minutes'),
         (1, 'refresh_token', $3, null, now() - interval '10 minutes'),
         (3, 'refresh_token', $4, null, now())`,
      [oldAccess!, a1Access!, a1Refresh!, bobRefresh!],
    );
    await proto.sql.unsafe(
      `insert into audit_logs (user_id, user_account_id, action, details, created_at) values
         (1, 1, 'amazon.connected', '{"account_id": 1, "access_token": "leaked-into-the-old-log"}', '2025-02-03T04:05:06Z'),
         (2, 3, 'token.refresh_failed', '{"error": "invalid_grant"}', now()),
         (null, null, 'service.started', null, now())`,
    );
  });
  afterAll(async () => {
    await source?.close();
    await proto?.dispose();
    await t?.dispose();
    useKeys(GK_KEY);
  });

  it('dry run: counts per table and every skip with its reason, and writes nothing', async () => {
    const before = await counts(t.db);
    const report = await run(true);
    expect(report.outcome).toBe('dry_run');
    expect(await counts(t.db)).toEqual(before);
    expect(report.tallies!.users).toMatchObject({ found: 3, imported: 3 });
    expect(report.tallies!.user_accounts).toMatchObject({ found: 5, imported: 2 });
    expect(skipped(report, 'user_accounts')).toEqual({ [SKIP.inactive]: ['3'], [SKIP.noRefreshToken]: ['4'], [SKIP.connected]: ['5'] });
    expect(report.tallies!.encrypted_tokens).toMatchObject({ found: 4, imported: 2 });
    expect(skipped(report, 'encrypted_tokens')).toEqual({ [SKIP.superseded]: ['1'], [SKIP.noAccount]: ['4'] });
    expect(report.tallies!.audit_logs).toMatchObject({ found: 3, imported: 3 });
    // The prototype's tokens read with the second key and would be stored under the first.
    expect(report.keys).toMatchObject({ used: [1], unreadable: [] });
    const text = formatImportReport(report, 'proto');
    expect(text).toContain('(dry run: nothing written)');
    expect(text).toContain(`user_accounts     found 5, to import 2, skipped 3`);
    expect(text).toContain(`1 ${SKIP.inactive} (ids 3)`);
    expect(text).toContain(keyFingerprint(PROTOTYPE_KEY));
  });

  it('imports users, connections with their tokens re-encrypted under the first key, and the history', async () => {
    const report = await run(false);
    expect(report.outcome).toBe('imported');
    expect(report.connectionIds).toHaveLength(2);

    const rows = await t.db.query<{
      id: string; user_id: string; external_account_id: string; display_name: string; scopes: string[]; status: string;
      access_token_enc: string; refresh_token_enc: string; metadata: Record<string, unknown>; due: boolean;
    }>(
      `select id, user_id, external_account_id, display_name, scopes, status, access_token_enc, refresh_token_enc, metadata,
              next_attempt_at <= now() as due
         from connections where id = any($1::uuid[]) order by external_account_id`,
      [report.connectionIds],
    );
    const onlyFirstKey = new MultiFernet([GK_KEY]);
    expect(rows.map((r) => [r.user_id, r.external_account_id, r.status, r.due])).toEqual([
      ['user_alice', 'amzn1.account.ALICE1', 'active', true],
      ['user_alice', 'amzn1.account.ALICE2', 'active', true],
    ]);
    const [a1, a2] = rows;
    // encrypted_tokens' newest access token wins over the older one.
    expect(onlyFirstKey.decrypt(a1!.access_token_enc)).toBe(grants.a1.accessToken);
    expect(onlyFirstKey.decrypt(a1!.refresh_token_enc)).toBe(grants.a1.refreshToken);
    expect(onlyFirstKey.decrypt(a2!.refresh_token_enc)).toBe(grants.a2.refreshToken);
    expect(() => new MultiFernet([PROTOTYPE_KEY]).decrypt(a1!.refresh_token_enc)).toThrow(InvalidFernetToken);
    expect(a1!.scopes).toEqual(AMAZON_SCOPES);
    expect(a1!.metadata).toMatchObject({ region: 'na', importedFrom: 'prototype', prototype: { profiles: [{ profileId: 42 }] } });
    expect(a2!.metadata).toMatchObject({ region: 'eu', consentRegions: ['eu'] });

    const [alice] = await t.db.query<{ email: string; created_at: Date }>(`select email, created_at from users where id = 'user_alice'`);
    expect(alice).toEqual({ email: 'alice@example.com', created_at: new Date('2025-01-02T03:04:05Z') });

    const audit = await t.db.query<{ action: string; connection_id: string | null; user_id: string | null; detail: Record<string, unknown>; created_at: Date }>(
      'select action, connection_id, user_id, detail, created_at from audit_events order by id',
    );
    expect(audit.filter((a) => a.action === 'connection.imported').map((a) => a.connection_id).sort()).toEqual([...report.connectionIds].sort());
    const history = audit.find((a) => a.action === 'prototype.amazon.connected')!;
    expect(history).toMatchObject({ user_id: 'user_alice', connection_id: a1!.id, created_at: new Date('2025-02-03T04:05:06Z') });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['prototype.token.refresh_failed', 'prototype.service.started', 'prototype.imported']));
    // No token reaches an audit row, not even one the prototype had logged.
    const everything = JSON.stringify(audit);
    for (const secret of ['leaked-into-the-old-log', grants.a1.accessToken, grants.a1.refreshToken, grants.a2.refreshToken]) {
      expect(everything).not.toContain(secret);
    }
  });

  it('re-running imports nothing twice', async () => {
    const before = await counts(t.db);
    const report = await run(false);
    expect(report.outcome).toBe('imported');
    expect(report.connectionIds).toEqual([]);
    for (const table of ['users', 'audit_logs'] as const) expect(report.tallies![table].imported).toBe(0);
    expect(report.tallies!.user_accounts.imported).toBe(0);
    expect(skipped(report, 'user_accounts')[SKIP.already]).toEqual(['1', '2']);
    expect(skipped(report, 'audit_logs')[SKIP.already]).toEqual(['1', '2', '3']);
    // Only the run's own summary event is new.
    expect(await counts(t.db)).toEqual({ ...before, audit: before.audit + 1 });
  });

  it('the next sweep refreshes an imported connection at the provider, and the token API serves the new token', async () => {
    const [row] = await t.db.query<{ id: string }>(`select id from connections where external_account_id = 'amzn1.account.ALICE2'`);
    const summary = await h.sweep();
    expect(summary.refreshed).toBeGreaterThanOrEqual(2);
    expect(h.sim.stats['amazon-ads'].tokenCalls.refresh_token).toMatchObject({ ok: expect.any(Number) });
    const token = await h.fresh(row!.id);
    expect(token.accessToken).not.toBe(grants.a2.accessToken);
    const [after] = await t.db.query<{ status: string; last_refreshed_at: Date | null }>('select status, last_refreshed_at from connections where id = $1', [row!.id]);
    expect(after).toMatchObject({ status: 'active', last_refreshed_at: expect.any(Date) });
  });

  it('runs as the npm script: a dry run prints the counts and exits 0', async () => {
    const { stdout } = await promisify(execFile)('npx', ['tsx', '--conditions=react-server', 'scripts/import-prototype.ts', '--from', proto.url, '--dry-run'], {
      env: { ...process.env, DATABASE_URL: t.url!, ENCRYPTION_KEYS: `${GK_KEY},${PROTOTYPE_KEY}`, LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    });
    expect(stdout).toContain('(dry run: nothing written)');
    expect(stdout).toMatch(/user_accounts\s+found 5, to import 0, skipped 5/);
  }, 120_000);
});

describe('import:prototype refuses and writes nothing', () => {
  let proto: PrototypeDatabase | undefined;
  let source: Database | undefined;
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await source?.close();
    await proto?.dispose();
    await t?.dispose();
    source = proto = t = undefined;
  });

  it('when a required column is missing, naming it and the columns the table has; a mapping file fixes it', async () => {
    proto = await createPrototypeDatabase(PROTOTYPE_SCHEMA.replace('clerk_user_id text unique not null', 'clerk text'));
    await proto.sql.unsafe(`insert into users (clerk) values ('user_dave')`);
    source = await openPostgres(proto.url, { max: 1 });
    t = await createTestDatabase('postgres');
    const before = await counts(t.db);
    const report = await importPrototype(t.db, source, { mapping: buildMapping(), cipher: createImportCipher(GK_KEY), dryRun: false });
    expect(report).toMatchObject({ outcome: 'refused', refusal: 'schema_mismatch' });
    expect(report.missing).toEqual([{ table: 'users', field: 'clerkUserId', tried: ['clerk_user_id', 'clerk_id'], present: ['clerk', 'created_at', 'email', 'id', 'updated_at'] }]);
    expect(formatImportReport(report, 'proto')).toContain('users.clerkUserId: none of the columns clerk_user_id, clerk_id exists; the table has clerk, created_at');
    expect(await counts(t.db)).toEqual(before);

    const fixed = await importPrototype(t.db, source, {
      mapping: buildMapping({ tables: { users: { columns: { clerkUserId: 'clerk' } } } }),
      cipher: createImportCipher(GK_KEY),
      dryRun: false,
    });
    expect(fixed.outcome).toBe('imported');
    expect(await t.db.query(`select id from users where id = 'user_dave'`)).toHaveLength(1);
  });

  it('without the prototype key, saying which keys were tried by fingerprint and never printing a key', async () => {
    proto = await createPrototypeDatabase();
    const [refresh] = pythonFernetEncrypt(PROTOTYPE_KEY, ['a-refresh-token']);
    await proto.sql.unsafe(`insert into users (clerk_user_id) values ('user_erin')`);
    await proto.sql.unsafe(`insert into user_accounts (user_id, amazon_user_id, refresh_token) values (1, 'amzn1.account.ERIN', $1)`, [refresh!]);
    await proto.sql.unsafe(`insert into audit_logs (user_id, action) values (1, 'amazon.connected')`);
    source = await openPostgres(proto.url, { max: 1 });
    t = await createTestDatabase('postgres');
    const before = await counts(t.db);
    const otherKey = generateFernetKey();
    const report = await importPrototype(t.db, source, { mapping: buildMapping(), cipher: createImportCipher(`${GK_KEY},${otherKey}`), dryRun: false });
    expect(report).toMatchObject({ outcome: 'refused', refusal: 'key_missing' });
    expect(report.keys.unreadable).toEqual([{ table: 'user_accounts', sourceId: '1', field: 'refreshToken' }]);
    expect(await counts(t.db)).toEqual(before);
    const text = formatImportReport(report, 'proto');
    expect(text).toContain(`fingerprint ${keyFingerprint(GK_KEY)}, fingerprint ${keyFingerprint(otherKey)}`);
    expect(text).toContain('Needed: the Fernet key the prototype encrypted them with');
    for (const secret of [GK_KEY, otherKey, PROTOTYPE_KEY, refresh!, 'a-refresh-token']) expect(text).not.toContain(secret);
  });
});
