import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listEncryptedColumns } from '@/lib/db/encrypted-columns';
import { resetEnvForTests } from '@/lib/env';
import { deliverDueNotifications } from '@/lib/notifications/deliver';
import { saveWebhookEndpoint } from '@/lib/notifications/endpoint';
import { enqueueNotification } from '@/lib/db/notifications';
import { generateFernetKey, InvalidFernetToken, MultiFernet } from '@/lib/tokens/fernet';
import { applySpilledResults } from '@/lib/refresh/pending-result';
import { listSpilled, spillResult } from '@/lib/refresh/spill';
import { decryptToken, encryptToken, resetCipherForTests } from '@/lib/tokens/keys';
import { rotateEncryptionKeys } from '@/lib/tokens/rotate';
import { createTestDatabase, DRIVERS, type TestDatabase } from '../support/databases';
import { insertConnection, insertUser } from '../support/fixtures';
import { allowPrivateWebhooks } from '../support/private-webhooks';
import { startWebhookReceiver } from '../support/webhook-receiver';

/** Runs the app's cipher (getCipher) under the given ENCRYPTION_KEYS for the rest of the test. */
function useKeys(keys: string): void {
  process.env.ENCRYPTION_KEYS = keys;
  resetEnvForTests();
  resetCipherForTests();
}
const TEST_KEYS = process.env.ENCRYPTION_KEYS;

// The webhook receiver listens on 127.0.0.1: the development opt-in for private receivers.
allowPrivateWebhooks();

describe.each(DRIVERS)('key rotation on %s', (driver) => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.dispose();
    t = undefined;
    useKeys(TEST_KEYS ?? '');
  });

  it('covers every *_enc column of the migrated schema', async () => {
    t = await createTestDatabase(driver);
    const live = await t.db.query<{ name: string }>(
      `select table_name || '.' || column_name as name from information_schema.columns
        where table_schema = 'public' and column_name like '%\\_enc' order by 1`,
    );
    const covered = listEncryptedColumns().map((c) => `${c.table}.${c.column}`);
    expect(live.length).toBeGreaterThanOrEqual(4);
    expect(live.map((r) => r.name).filter((name) => !covered.includes(name))).toEqual([]);
  });

  it('re-encrypts the webhook signing secret: it reads under the new key only and deliveries still verify', async () => {
    t = await createTestDatabase(driver);
    const keyA = generateFernetKey();
    const keyB = generateFernetKey();
    useKeys(keyA);
    await insertUser(t.db, 'u1');
    const rx = await startWebhookReceiver();
    try {
      const saved = await saveWebhookEndpoint(t.db, { userId: 'u1', url: rx.url() });
      rx.setSecret(saved.secret);

      const summary = await rotateEncryptionKeys(t.db, MultiFernet.fromEnv(`${keyB},${keyA}`));
      expect(summary).toMatchObject({ rotated: 1, unreadable: 0 });
      const [row] = await t.db.query<{ secret_enc: string }>('select secret_enc from notification_endpoints');
      expect(new MultiFernet([keyB]).decrypt(row!.secret_enc)).toBe(saved.secret);
      expect(() => new MultiFernet([keyA]).decrypt(row!.secret_enc)).toThrow(InvalidFernetToken);

      // Key A retired, as the rotation runbook says: the receiver still verifies what we send.
      useKeys(keyB);
      await enqueueNotification(t.db, { userId: 'u1', type: 'connection.needs_reauth', data: { provider: 'x' } });
      const now = () => new Date(Date.now() + 1000);
      expect(await deliverDueNotifications(t.db, { owner: 'rotation-test', now })).toEqual({ delivered: 1, retrying: 0, failed: 0 });
      expect(rx.received.map((r) => r.verified)).toEqual([true]);
    } finally {
      await rx.close();
    }
  });

  it('re-encrypts every stored token from key A to keys B,A and every token still reads back', async () => {
    t = await createTestDatabase(driver);
    const keyA = generateFernetKey();
    const keyB = generateFernetKey();
    const underA = new MultiFernet([keyA]);
    await insertUser(t.db, 'u1');
    const plaintext = new Map<string, { access: string; refresh: string | null }>();
    for (let i = 0; i < 23; i++) {
      const access = `access-${i}-${'x'.repeat(i)}`;
      const refresh = i % 3 === 0 ? null : `refresh-${i}`;
      const id = await insertConnection(t.db, {
        userId: 'u1',
        accessTokenEnc: underA.encrypt(access),
        refreshTokenEnc: refresh === null ? null : underA.encrypt(refresh),
      });
      plaintext.set(id, { access, refresh });
    }
    await t.db.query(
      `insert into oauth_states (state_hash, user_id, provider, code_verifier_enc, expires_at)
       values ('h1', 'u1', 'x', $1, now() + interval '10 minutes')`,
      [underA.encrypt('verifier-1')],
    );

    const rotating = MultiFernet.fromEnv(`${keyB},${keyA}`);
    const batches: number[] = [];
    const summary = await rotateEncryptionKeys(t.db, rotating, { batchSize: 5, onBatch: (s) => batches.push(s.scanned) });
    const refreshCount = [...plaintext.values()].filter((p) => p.refresh !== null).length;
    expect(summary).toEqual({ scanned: 23 + refreshCount + 1, rotated: 23 + refreshCount + 1, skipped: 0, unreadable: 0 });
    expect(batches.length).toBeGreaterThan(3);

    const onlyB = new MultiFernet([keyB]);
    const rows = await t.db.query<{ id: string; access_token_enc: string; refresh_token_enc: string | null }>(
      'select id, access_token_enc, refresh_token_enc from connections',
    );
    for (const row of rows) {
      expect(onlyB.decrypt(row.access_token_enc)).toBe(plaintext.get(row.id)?.access);
      expect(row.refresh_token_enc === null ? null : onlyB.decrypt(row.refresh_token_enc)).toBe(
        plaintext.get(row.id)?.refresh,
      );
    }
    const [state] = await t.db.query<{ code_verifier_enc: string }>('select code_verifier_enc from oauth_states');
    expect(onlyB.decrypt(state!.code_verifier_enc)).toBe('verifier-1');

    // Safe to re-run: nothing left to do.
    expect(await rotateEncryptionKeys(t.db, rotating)).toMatchObject({ rotated: 0, skipped: 0 });
  });

  it('re-encrypts the spill files in the data directory: after the old key is retired the next start still applies them; one no key reads is reported and left', async () => {
    t = await createTestDatabase(driver);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'grantkeeper-rotate-spill-'));
    try {
      const keyA = generateFernetKey();
      const keyB = generateFernetKey();
      useKeys(keyA);
      await insertUser(t.db, 'u1');
      const id = await insertConnection(t.db, { userId: 'u1', accessTokenEnc: encryptToken('old-access'), refreshTokenEnc: encryptToken('old-refresh') });
      const [{ token_version: tokenVersion } = { token_version: -1 }] = await t.db.query<{ token_version: number }>(
        'select token_version from connections where id = $1',
        [id],
      );
      // X answered with rotated tokens while the database was down: they wait on disk, sealed under key A.
      const file = spillResult(dataDir, {
        v: 1,
        connectionId: id,
        userId: 'u1',
        provider: 'x',
        tokenVersion,
        owner: 'sweep:gone-host:1:00-00',
        accessToken: 'spilled-access',
        refreshToken: 'spilled-refresh',
        expiresAt: new Date(Date.now() + 7_200_000).toISOString(),
        refreshTokenExpiresAt: null,
        scopes: ['tweet.read'],
        nextAttemptAt: new Date(Date.now() + 6_000_000).toISOString(),
        rotated: true,
      });
      const lostFile = path.join(path.dirname(file), '00000000-0000-0000-0000-000000000000.1.abcd.fernet');
      const lost = new MultiFernet([generateFernetKey()]).encrypt('{"v":1}');
      fs.writeFileSync(lostFile, lost);

      const summary = await rotateEncryptionKeys(t.db, MultiFernet.fromEnv(`${keyB},${keyA}`), { dataDir });
      expect(summary).toEqual({ scanned: 4, rotated: 3, skipped: 0, unreadable: 1 }); // two columns and two files
      expect(listSpilled(dataDir).sort()).toEqual([lostFile, file].sort());
      expect(fs.readFileSync(lostFile, 'utf8')).toBe(lost);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(() => new MultiFernet([keyA]).decrypt(fs.readFileSync(file, 'utf8'))).toThrow(InvalidFernetToken);
      expect(fs.readdirSync(path.dirname(file)).filter((n) => n.startsWith('.'))).toEqual([]); // no temporary left behind

      // Key A retired, as the rotation runbook says; the next start applies the kept tokens.
      useKeys(keyB);
      expect(await applySpilledResults(t.db, { dataDir, leaseSec: 30 })).toEqual({ applied: 1, stale: 0 });
      const [row] = await t.db.query<{ access_token_enc: string; refresh_token_enc: string }>(
        'select access_token_enc, refresh_token_enc from connections where id = $1',
        [id],
      );
      expect(decryptToken(row!.access_token_enc)).toBe('spilled-access');
      expect(decryptToken(row!.refresh_token_enc)).toBe('spilled-refresh');
      expect(listSpilled(dataDir)).toEqual([lostFile]);
      expect(await rotateEncryptionKeys(t.db, MultiFernet.fromEnv(keyB), { dataDir })).toMatchObject({ rotated: 0, unreadable: 1 });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('leaves a value no configured key can read exactly as it was, and reports it', async () => {
    t = await createTestDatabase(driver);
    const lost = new MultiFernet([generateFernetKey()]).encrypt('written-by-a-forgotten-key');
    await insertUser(t.db, 'u1');
    await insertConnection(t.db, { userId: 'u1', accessTokenEnc: lost });
    const summary = await rotateEncryptionKeys(t.db, MultiFernet.fromEnv(`${generateFernetKey()},${generateFernetKey()}`));
    expect(summary).toMatchObject({ scanned: 1, rotated: 0, unreadable: 1 });
    const [row] = await t.db.query<{ access_token_enc: string }>('select access_token_enc from connections');
    expect(row?.access_token_enc).toBe(lost);
  });

  it('never overwrites a token that changed while it was rotating', async () => {
    t = await createTestDatabase(driver);
    const keyA = generateFernetKey();
    const keyB = generateFernetKey();
    const underA = new MultiFernet([keyA]);
    const rotating = MultiFernet.fromEnv(`${keyB},${keyA}`);
    await insertUser(t.db, 'u1');
    const id = await insertConnection(t.db, { userId: 'u1', accessTokenEnc: underA.encrypt('old-access') });
    const db = t.db;

    // A refresh lands between the rotation's read and its write.
    const racing: typeof db = {
      ...db,
      query: async (text, params) => {
        if (/^\s*update connections set access_token_enc/.test(text)) {
          await db.query('update connections set access_token_enc = $1 where id = $2', [
            rotating.encrypt('new-access-from-refresh'),
            id,
          ]);
        }
        return db.query(text, params);
      },
    };
    const summary = await rotateEncryptionKeys(racing, rotating);
    expect(summary).toMatchObject({ rotated: 0, skipped: 1 });
    const [row] = await db.query<{ access_token_enc: string }>('select access_token_enc from connections');
    expect(rotating.decrypt(row!.access_token_enc)).toBe('new-access-from-refresh');
  });
});
