import 'server-only';
import type { Database } from '../db';
import { recordAuditEvent } from '../db/audit';
import {
  insertImportedAuditEvent,
  insertImportedConnection,
  insertImportedUser,
  readExistingConnectionKeys,
  readExistingUsers,
  readImportLedger,
  recordImported,
} from '../db/prototype-import';
import { inspectSourceSchema, readSourceTable, type SourceRow } from '../db/prototype-source';
import { REGIONS } from '../providers/types';
import type { ImportCipher } from '../tokens/import-cipher';
import { resolveMapping, type Mapping, type MissingColumn, type SourceTable } from './mapping';
import { planImport, SKIP, type ImportPlan, type PlannedConnection, type TableTally } from './plan';

export interface ImportReport {
  outcome: 'imported' | 'dry_run' | 'refused';
  refusal: 'schema_mismatch' | 'key_missing' | null;
  missing: MissingColumn[];
  tallies: Record<SourceTable, TableTally> | null;
  keys: {
    /** Fingerprints of ENCRYPTION_KEYS, in order; the first is the one tokens are re-encrypted under. */
    fingerprints: readonly string[];
    /** Indexes of the configured keys that decrypted the prototype's tokens. */
    used: number[];
    /** Tokens no configured key decrypts (source row and field, never the value). */
    unreadable: { table: SourceTable; sourceId: string; field: string }[];
  };
  /** Grantkeeper connection ids created by this run. */
  connectionIds: string[];
}

export interface ImportOptions {
  mapping: Mapping;
  cipher: ImportCipher;
  dryRun: boolean;
}

/**
 * Moves the prototype's users, Amazon accounts with their tokens, and audit history into
 * Grantkeeper, in one transaction: a refusal (schema or key) writes nothing, and a re-run skips
 * everything recorded in prototype_imports by an earlier run.
 */
export async function importPrototype(target: Database, source: Database, opts: ImportOptions): Promise<ImportReport> {
  const report: ImportReport = {
    outcome: 'refused',
    refusal: null,
    missing: [],
    tallies: null,
    keys: { fingerprints: opts.cipher.fingerprints, used: [], unreadable: [] },
    connectionIds: [],
  };
  const read = await readSource(source, opts.mapping);
  if ('missing' in read) return { ...report, refusal: 'schema_mismatch', missing: read.missing };

  const clerkIds = (read.rows.users ?? []).map((r) => String(r.clerkUserId ?? '')).filter(Boolean);
  const plan = planImport({
    rows: read.rows,
    platforms: opts.mapping.platforms,
    ledger: await readImportLedger(target),
    existingUsers: await readExistingUsers(target, clerkIds),
    existingConnections: await readExistingConnectionKeys(target, clerkIds),
  });
  report.tallies = plan.tallies;

  const used = new Set<number>();
  for (const token of plan.connections.flatMap((c) => (c.accessToken ? [c.accessToken, c.refreshToken] : [c.refreshToken]))) {
    const index = opts.cipher.readableBy(token.value);
    if (index === null) report.keys.unreadable.push({ table: token.table, sourceId: token.sourceId, field: token.field });
    else used.add(index);
  }
  report.keys.used = [...used].sort();
  if (report.keys.unreadable.length > 0) return { ...report, refusal: 'key_missing' };
  if (opts.dryRun) return { ...report, outcome: 'dry_run' };

  report.connectionIds = await target.transaction((tx) => writePlan(tx, plan, opts.cipher));
  return { ...report, outcome: 'imported' };
}

async function readSource(
  source: Database,
  mapping: Mapping,
): Promise<{ missing: MissingColumn[] } | { rows: Partial<Record<SourceTable, SourceRow[]>> }> {
  return source.transaction(async (tx) => {
    // The prototype's database is only read, whatever a bug here might try.
    await tx.query('set transaction read only');
    const resolved = resolveMapping(mapping, await inspectSourceSchema(tx, mapping.schema));
    if (resolved.missing.length > 0) return { missing: resolved.missing };
    const rows: Partial<Record<SourceTable, SourceRow[]>> = {};
    for (const table of Object.values(resolved.tables)) rows[table.source] = await readSourceTable(tx, mapping.schema, table);
    return { rows };
  });
}

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

async function writePlan(tx: Tx, plan: ImportPlan, cipher: ImportCipher): Promise<string[]> {
  for (const user of plan.users) {
    if (await insertImportedUser(tx, user)) {
      await recordAuditEvent(tx, { userId: user.id, actor: 'system', action: 'user.imported', outcome: 'success', detail: { source: 'prototype', prototypeUserId: user.sourceId } });
    }
    await recordImported(tx, 'users', user.sourceId, user.id);
  }

  const connectionIds = new Map<string, string>();
  for (const c of plan.connections) {
    const id = await insertImportedConnection(tx, {
      ...c,
      accessTokenEnc: c.accessToken ? cipher.reencrypt(c.accessToken.value) : null,
      refreshTokenEnc: cipher.reencrypt(c.refreshToken.value),
      metadata: connectionMetadata(c),
    });
    if (id === null) {
      // Connected in Grantkeeper between the plan and this write.
      moveToSkipped(plan.tallies.user_accounts, c.sourceId, SKIP.connected);
      continue;
    }
    connectionIds.set(c.sourceId, id);
    await recordImported(tx, 'user_accounts', c.sourceId, id);
    for (const tokenRow of c.tokenRowIds) await recordImported(tx, 'encrypted_tokens', tokenRow, id);
    await recordAuditEvent(tx, {
      userId: c.userId,
      connectionId: id,
      actor: 'system',
      action: 'connection.imported',
      outcome: 'success',
      detail: { source: 'prototype', prototypeAccountId: c.sourceId, provider: c.provider, region: c.region, refreshDue: true },
    });
  }

  for (const e of plan.auditEvents) {
    const connectionId = e.connection === null ? null : 'id' in e.connection ? e.connection.id : (connectionIds.get(e.connection.accountSourceId) ?? null);
    const id = await insertImportedAuditEvent(tx, {
      userId: e.userId,
      connectionId,
      action: `prototype.${e.action}`.slice(0, 120),
      outcome: auditOutcome(e.outcome),
      detail: { source: 'prototype', prototypeAuditId: e.sourceId, ...(e.outcome ? { prototypeOutcome: e.outcome } : {}), details: e.details },
      createdAt: e.createdAt,
    });
    await recordImported(tx, 'audit_logs', e.sourceId, id);
  }

  await recordAuditEvent(tx, {
    userId: null,
    actor: 'system',
    action: 'prototype.imported',
    outcome: 'success',
    detail: { users: plan.users.length, connections: connectionIds.size, auditEvents: plan.auditEvents.length },
  });
  return [...connectionIds.values()];
}

/**
 * The prototype's own account metadata is kept whole under `prototype`, apart from Grantkeeper's
 * keys (`profiles` has its own per-region shape); `region` is where refreshes go.
 */
function connectionMetadata(c: PlannedConnection): Record<string, unknown> {
  const region = (REGIONS as readonly string[]).includes(c.region ?? '') ? c.region : null;
  return {
    ...(c.metadata ? { prototype: c.metadata } : {}),
    ...(region ? { region, consentRegions: [region] } : {}),
    importedFrom: 'prototype',
    prototypeAccountId: c.sourceId,
  };
}

function auditOutcome(value: string | null): 'success' | 'failure' | 'denied' | 'info' {
  if (!value) return 'info';
  if (/fail|error/i.test(value)) return 'failure';
  if (/denied|forbidden|unauthori[sz]ed/i.test(value)) return 'denied';
  if (/success|ok|done|complete/i.test(value)) return 'success';
  return 'info';
}

function moveToSkipped(tally: TableTally, id: string, reason: string): void {
  tally.imported -= 1;
  tally.skipped.set(reason, [...(tally.skipped.get(reason) ?? []), id]);
}

