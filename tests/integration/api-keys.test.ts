import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authenticateApiKey } from '@/lib/api-keys/authenticate';
import { clearApiKeyCache } from '@/lib/api-keys/cache';
import { generateApiKey, hashApiKey } from '@/lib/api-keys/format';
import { createApiKey, listApiKeys, revokeApiKey } from '@/lib/api-keys/keys';
import { touchApiKeys } from '@/lib/api-keys/touch';
import { asUser } from '@/lib/db';
import { createTestDatabase, DRIVERS, type TestDatabase } from '../support/databases';
import { insertUser } from '../support/fixtures';

describe.each(DRIVERS)('API keys on %s', (driver) => {
  let t: TestDatabase;
  const bearer = (key: string) => `Bearer ${key}`;

  beforeAll(async () => {
    t = await createTestDatabase(driver);
    for (const u of ['user_a', 'user_b', 'user_gone']) await insertUser(t.db, u);
  });
  afterAll(() => t.dispose());
  beforeEach(() => clearApiKeyCache());

  it('creates a key shown once that authenticates its user', async () => {
    const created = await createApiKey(t.db, { userId: 'user_a', name: '  nightly sync  ' });
    expect(created).toMatchObject({ name: 'nightly sync' });
    expect(created.key).toMatch(new RegExp(`^gk_${created.prefix}_[A-Za-z0-9_-]{43}$`));
    const [row] = await t.db.query<{ secret_hash: string }>('select secret_hash from api_keys where id = $1', [created.id]);
    expect(row?.secret_hash).toBe(hashApiKey(created.key));
    expect(await authenticateApiKey(t.db, bearer(created.key))).toEqual({
      userId: 'user_a',
      keyId: created.id,
      prefix: created.prefix,
    });
    // Served from the cache the second time, with the same answer.
    expect(await authenticateApiKey(t.db, bearer(created.key))).toMatchObject({ keyId: created.id });
  });

  it('refuses a wrong secret, an unknown prefix and malformed headers', async () => {
    const { key, prefix } = await createApiKey(t.db, { userId: 'user_a', name: 'k' });
    const forged = `gk_${prefix}_${generateApiKey().key.slice(12)}`;
    const unknown = generateApiKey().key;
    for (const header of [bearer(forged), bearer(unknown), null, '', key, `Basic ${key}`, `Bearer ${key}x`, `Bearer  ${key} x`]) {
      expect(await authenticateApiKey(t.db, header), String(header)).toBeNull();
    }
    // A wrong secret tried while the right key is cached is still refused.
    expect(await authenticateApiKey(t.db, bearer(key))).not.toBeNull();
    expect(await authenticateApiKey(t.db, bearer(forged))).toBeNull();
  });

  it('caches lookups, and revocation evicts the cache at once', async () => {
    const { id, key } = await createApiKey(t.db, { userId: 'user_a', name: 'cached' });
    expect(await authenticateApiKey(t.db, bearer(key))).not.toBeNull();
    // Revoked behind the cache's back: the cached answer stands until it is evicted.
    await t.db.query('update api_keys set revoked_at = now() where id = $1', [id]);
    expect(await authenticateApiKey(t.db, bearer(key))).not.toBeNull();
    clearApiKeyCache();
    expect(await authenticateApiKey(t.db, bearer(key))).toBeNull();

    const other = await createApiKey(t.db, { userId: 'user_a', name: 'revoked properly' });
    expect(await authenticateApiKey(t.db, bearer(other.key))).not.toBeNull();
    await revokeApiKey(t.db, { userId: 'user_a', id: other.id });
    expect(await authenticateApiKey(t.db, bearer(other.key))).toBeNull();
    await expect(revokeApiKey(t.db, { userId: 'user_a', id: other.id })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('remembers unknown prefixes briefly, so a flood of bad keys does not reach the database', async () => {
    const { prefix, key } = generateApiKey();
    expect(await authenticateApiKey(t.db, bearer(key))).toBeNull();
    // The key appears in the database now; the negative entry still answers until it expires.
    await t.db.query(`insert into api_keys (user_id, name, prefix, secret_hash) values ('user_a', 'late', $1, $2)`, [
      prefix,
      hashApiKey(key),
    ]);
    expect(await authenticateApiKey(t.db, bearer(key))).toBeNull();
    clearApiKeyCache();
    expect(await authenticateApiKey(t.db, bearer(key))).toMatchObject({ userId: 'user_a', prefix });
  });

  it('refuses keys of soft-deleted users', async () => {
    const { key } = await createApiKey(t.db, { userId: 'user_gone', name: 'orphan' });
    expect(await authenticateApiKey(t.db, bearer(key))).not.toBeNull();
    await t.db.query(`update users set deleted_at = now() where id = 'user_gone'`);
    clearApiKeyCache();
    expect(await authenticateApiKey(t.db, bearer(key))).toBeNull();
  });

  it('lists prefix and last use after touchApiKeys, never a key or hash', async () => {
    const a = await createApiKey(t.db, { userId: 'user_b', name: 'first' });
    const b = await createApiKey(t.db, { userId: 'user_b', name: 'second' });
    let list = await listApiKeys(t.db, 'user_b');
    expect(list.map((k) => [k.name, k.prefix, k.lastUsedAt])).toEqual([
      ['second', b.prefix, null],
      ['first', a.prefix, null],
    ]);
    await touchApiKeys(t.db, [a.id, a.id]);
    await touchApiKeys(t.db, []);
    list = await listApiKeys(t.db, 'user_b');
    expect(list.find((k) => k.id === a.id)?.lastUsedAt).toBeInstanceOf(Date);
    expect(list.find((k) => k.id === b.id)?.lastUsedAt).toBeNull();
    const text = JSON.stringify(list);
    for (const k of [a, b]) {
      expect(text).not.toContain(k.key);
      expect(text).not.toContain(k.key.slice(12));
      expect(text).not.toContain(hashApiKey(k.key));
    }
    await revokeApiKey(t.db, { userId: 'user_b', id: b.id });
    expect((await listApiKeys(t.db, 'user_b')).map((k) => k.id)).toEqual([a.id]);
  });

  it('keeps keys to their owner (RLS), and another user cannot revoke them', async () => {
    const { id, key } = await createApiKey(t.db, { userId: 'user_a', name: 'mine' });
    const visible = await asUser(t.db, 'user_b', (tx) => tx.query<{ user_id: string }>('select user_id from api_keys'));
    expect(visible.every((r) => r.user_id === 'user_b')).toBe(true);
    expect((await listApiKeys(t.db, 'user_b')).some((k) => k.id === id)).toBe(false);
    await expect(revokeApiKey(t.db, { userId: 'user_b', id })).rejects.toMatchObject({ code: 'not_found' });
    await expect(revokeApiKey(t.db, { userId: 'user_b', id: 'not-a-uuid' })).rejects.toMatchObject({ code: 'not_found' });
    const updated = await asUser(t.db, 'user_b', (tx) => tx.query('update api_keys set revoked_at = now() where id = $1 returning 1', [id]));
    expect(updated).toEqual([]);
    expect(await authenticateApiKey(t.db, bearer(key))).toMatchObject({ userId: 'user_a' });
  });

  it('validates names: 1 to 100 characters', async () => {
    for (const name of ['', '   ', 'x'.repeat(101)]) {
      await expect(createApiKey(t.db, { userId: 'user_a', name }), name).rejects.toMatchObject({ code: 'bad_request' });
    }
    expect((await createApiKey(t.db, { userId: 'user_a', name: 'x'.repeat(100) })).name).toHaveLength(100);
  });

  it('never writes a key, its secret or its hash to the audit log', async () => {
    const created = await createApiKey(t.db, { userId: 'user_a', name: 'audited' });
    await revokeApiKey(t.db, { userId: 'user_a', id: created.id });
    const rows = await t.db.query<{ actor: string; action: string; detail: Record<string, unknown> }>(
      `select actor, action, detail from audit_events where action like 'api_key.%' order by id`,
    );
    expect(rows.slice(-2)).toEqual([
      { actor: 'user', action: 'api_key.created', detail: { keyId: created.id, prefix: created.prefix, name: 'audited' } },
      { actor: 'user', action: 'api_key.revoked', detail: { keyId: created.id, prefix: created.prefix, name: 'audited' } },
    ]);
    const everything = JSON.stringify(await t.db.query('select * from audit_events'));
    expect(everything).not.toContain(created.key);
    expect(everything).not.toContain(created.key.slice(12));
    expect(everything).not.toContain(hashApiKey(created.key));
    expect(everything).not.toMatch(/gk_[a-z2-7]{8}_/);
  });
});
