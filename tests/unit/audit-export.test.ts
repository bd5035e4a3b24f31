import { describe, expect, it } from 'vitest';
import { auditCsv, csvCell } from '@/components/audit/audit-csv';
import { auditExportHref, auditHref, parseAuditQuery, parseAuditSearchParams } from '@/components/audit/audit-query';
import type { AuditLogRow } from '@/lib/db/audit-log';

describe('audit query: days and search from the URL', () => {
  it('keeps real days and a trimmed, NUL-free, bounded search; drops the rest', () => {
    expect(parseAuditQuery({ from: '2026-03-02', to: '2026-03-04', q: '  50%_off ' }).filters).toEqual({
      from: '2026-03-02',
      to: '2026-03-04',
      search: '50%_off',
    });
    for (const bad of ['2026-02-30', '2026-3-2', '02/03/2026', '0000-01-01', "2026-03-02' or 1=1"]) {
      expect(parseAuditQuery({ from: bad, to: bad }).filters).toEqual({});
    }
    expect(parseAuditQuery({ q: 'access\u0000denied' }).filters).toEqual({});
    expect(parseAuditQuery({ q: '   ' }).filters).toEqual({});
    expect(parseAuditQuery({ q: 'x'.repeat(201) }).filters).toEqual({});
    expect(parseAuditQuery({ q: 'x'.repeat(200) }).filters.search).toHaveLength(200);
  });

  it('the page link and the export link carry the same filters, and the export reads them back alike', () => {
    const filters = { action: 'token.refreshed', from: '2026-03-02', to: '2026-03-04', search: 'a&b=c #1' };
    const page = new URL(auditHref(filters, { before: '9' }), 'http://x');
    const csv = new URL(auditExportHref(filters), 'http://x');
    expect(csv.pathname).toBe('/api/v1/audit/export');
    expect(csv.searchParams.has('before')).toBe(false);
    page.searchParams.delete('before');
    expect(csv.search).toBe(page.search);
    expect(parseAuditSearchParams(csv.searchParams).filters).toEqual(filters);
    // Repeated params: the first wins, as on the page.
    expect(parseAuditSearchParams(new URLSearchParams('q=one&q=two')).filters).toEqual({ search: 'one' });
  });
});

describe('audit CSV', () => {
  it('quotes every cell and defuses formulas', () => {
    expect(csvCell('plain')).toBe('"plain"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    for (const formula of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(csvCell(formula)).toBe(`"'${formula}"`);
    expect(csvCell('a=b')).toBe('"a=b"');
  });

  it('writes a header and one line per event: time, words, connection, actor, detail as JSON with tokens hidden', () => {
    const row: AuditLogRow = {
      id: '7',
      connection_id: '11111111-2222-4333-8444-555555555555',
      actor: 'api_key:gk_ab12',
      action: 'token.read',
      outcome: 'success',
      detail: { note: '=HYPERLINK("http://evil")', leaked: 'gAAAAABlonglonglong' },
      request_id: null,
      created_at: new Date('2026-03-02T12:00:00Z'),
      connection_name: 'Avery, "Ads"',
      connection_external_id: 'amzn1.account.X',
      connection_provider: 'amazon-ads',
    };
    const lines = auditCsv([row, { ...row, id: '6', connection_id: null, actor: 'system', detail: {} }]).split('\r\n');
    expect(lines[0]).toBe('time,action,action_key,outcome,connection,connection_id,actor,detail');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    expect(lines[1]).toContain('"2026-03-02T12:00:00.000Z"');
    expect(lines[1]).toContain('"token.read"');
    expect(lines[1]).toContain('"Avery, ""Ads"" (Amazon Ads)"');
    expect(lines[1]).toContain('"API key gk_ab12"');
    expect(lines[1]).toContain('=HYPERLINK');
    expect(lines[1]).not.toContain('gAAAAAB');
    expect(lines[2]).toContain('"Scheduler"');
    expect(lines[2]).toMatch(/,"","Scheduler","\{\}"$/);
  });
});
