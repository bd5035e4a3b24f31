import 'server-only';
import { SOURCE_TABLES } from './mapping';
import type { ImportReport } from './run';

const SHOWN_IDS = 5;

/** The operator's summary: counts per table, every skip reason with example ids, and what to do next. Never a token or a key. */
export function formatImportReport(report: ImportReport, where: string): string {
  const lines = [`Prototype import from ${where}${report.outcome === 'dry_run' ? ' (dry run: nothing written)' : ''}`];
  if (report.refusal === 'schema_mismatch') {
    lines.push('Refused: the prototype database does not match the mapping. Nothing was read or written.');
    for (const m of report.missing) {
      lines.push(
        m.field === '(table)'
          ? `  table ${m.table} does not exist (set its real name, or null for encrypted_tokens/audit_logs, in a --mapping file)`
          : `  ${m.table}.${m.field}: none of the columns ${m.tried.join(', ')} exists; the table has ${m.present.join(', ') || 'no columns'}`,
      );
    }
    lines.push('Write the real column names into a mapping file (npm run import:prototype -- --print-mapping > mapping.json), pass it with --mapping and run again. docs/import.md explains each field.');
    return lines.join('\n');
  }
  for (const table of SOURCE_TABLES) {
    const tally = report.tallies?.[table];
    if (!tally) continue;
    const skipped = [...tally.skipped.values()].reduce((n, ids) => n + ids.length, 0);
    const verb = report.outcome === 'imported' ? 'imported' : 'to import';
    lines.push(`  ${table.padEnd(17)} found ${tally.found}, ${verb} ${tally.imported}, skipped ${skipped}`);
    for (const [reason, ids] of tally.skipped) {
      const shown = ids.slice(0, SHOWN_IDS).join(', ') + (ids.length > SHOWN_IDS ? ', …' : '');
      lines.push(`      ${ids.length} ${reason} (ids ${shown})`);
    }
  }
  const fp = (i: number) => `key ${i + 1} of ${report.keys.fingerprints.length} (fingerprint ${report.keys.fingerprints[i]})`;
  if (report.refusal === 'key_missing') {
    lines.push(
      `Refused: ${report.keys.unreadable.length} prototype token(s) cannot be decrypted with any key in ENCRYPTION_KEYS ` +
        `(${report.keys.fingerprints.map((f) => `fingerprint ${f}`).join(', ')}). Nothing was written.`,
    );
    for (const u of report.keys.unreadable.slice(0, SHOWN_IDS)) lines.push(`  ${u.table} id ${u.sourceId}, ${u.field}`);
    lines.push(
      'Needed: the Fernet key the prototype encrypted them with (its ENCRYPTION_KEY setting). Add it to ENCRYPTION_KEYS ' +
        'after your current key, e.g. ENCRYPTION_KEYS="<current>,<prototype key>", and run again: tokens are re-encrypted under the first key. ' +
        'docs/import.md shows how to print a key\'s fingerprint to check you have the right one.',
    );
    return lines.join('\n');
  }
  if (report.keys.used.length > 0) {
    lines.push(`Tokens decrypt with ${report.keys.used.map(fp).join(', ')}; ${report.outcome === 'imported' ? 'stored' : 'they will be stored'} re-encrypted under ${fp(0)}.`);
  }
  if (report.outcome === 'imported') {
    lines.push(`Each imported connection is audited (connection.imported) and due now: the next refresh sweep refreshes it.`);
    if (report.keys.used.some((i) => i !== 0)) lines.push('Once `npm run keys:rotate` reports nothing left, the prototype key can be dropped from ENCRYPTION_KEYS.');
  }
  return lines.join('\n');
}
