import { afterEach, describe, expect, it } from 'vitest';
import { appliedVersions, migrate, migrationStatus, readMigrations } from '@/lib/db/migrate';
import { openPostgres } from '@/lib/db/postgres-driver';
import { createTestDatabase, DRIVERS, type TestDatabase } from '../support/databases';

describe.each(DRIVERS)('migrations on %s', (driver) => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.dispose();
    t = undefined;
  });

  it('applies every migration once and records it where the Supabase CLI does', async () => {
    t = await createTestDatabase(driver, { migrated: false });
    const files = readMigrations();
    expect(files.length).toBeGreaterThanOrEqual(2);

    const first = await migrate(t.db);
    expect(first).toEqual(files.map((m) => `${m.version}_${m.name}`));
    expect(await migrate(t.db)).toEqual([]);

    expect([...(await appliedVersions(t.db))].sort()).toEqual(files.map((m) => m.version));
    expect(await migrationStatus(t.db)).toEqual({ applied: files.length, pending: [] });

    const tables = await t.db.query<{ name: string; rls: boolean }>(
      `select c.relname as name, c.relrowsecurity as rls from pg_class c
         join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r' order by 1`,
    );
    expect(tables).toEqual(
      [
        'api_keys',
        'audit_events',
        'clerk_webhook_events',
        'connections',
        'insight_campaigns',
        'insight_daily_metrics',
        'insight_sync_runs',
        'insight_sync_targets',
        'notification_endpoints',
        'oauth_states',
        'prototype_imports',
        'rate_limits',
        'refresh_pending_results',
        'sweep_runs',
        'users',
        'webhook_deliveries',
      ].map((name) => ({ name, rls: true })),
    );
  });

  it('reports a migration that has not run yet as pending', async () => {
    t = await createTestDatabase(driver, { migrated: false });
    const files = readMigrations();
    await migrate(t.db, files.slice(0, 1));
    const status = await migrationStatus(t.db, files);
    expect(status.applied).toBe(1);
    expect(status.pending).toEqual(files.slice(1).map((m) => `${m.version}_${m.name}`));
  });

  it('makes audit_events append-only, even for the owner', async () => {
    t = await createTestDatabase(driver);
    await t.db.query(`insert into users (id) values ('u1')`);
    await t.db.query(`insert into audit_events (user_id, actor, action, outcome) values ('u1', 'system', 'x', 'info')`);
    await expect(t.db.query(`update audit_events set action = 'rewritten'`)).rejects.toThrow(/append-only/);
    await expect(t.db.query(`delete from audit_events`)).rejects.toThrow(/append-only/);
    const rows = await t.db.query<{ action: string }>('select action from audit_events');
    expect(rows).toEqual([{ action: 'x' }]);
  });
});

describe('migrations on postgres, several processes at once', () => {
  it('apply once when three instances start together', async () => {
    const t = await createTestDatabase('postgres', { migrated: false });
    const others = await Promise.all([openPostgres(t.url!), openPostgres(t.url!)]);
    try {
      const results = await Promise.all([migrate(t.db), ...others.map((db) => migrate(db))]);
      const files = readMigrations();
      expect(results.flat().sort()).toEqual(files.map((m) => `${m.version}_${m.name}`).sort());
    } finally {
      await Promise.all(others.map((db) => db.close()));
      await t.dispose();
    }
  });
});
