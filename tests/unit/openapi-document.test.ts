import fs from 'node:fs';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '@/lib/http/errors';
import { buildOpenApiDocument, openApiDocument } from '@/lib/openapi/document';
import { API_OPERATIONS } from '@/lib/openapi/registry';

/**
 * The OpenAPI document (lib/openapi) describes every route file under app/api, is a valid
 * OpenAPI 3.1 document, and names every error code with its status. e2e/openapi.spec.ts checks
 * the live responses against it.
 */

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/**
 * Route files that are not part of the API: they stay out of the document, on purpose.
 * Anything else under app/api must be documented.
 */
const UNDOCUMENTED: Record<string, string> = {
  'app/api/[...path]/route.ts': 'the catch-all that answers unknown /api paths with a JSON 404 (described in the info text)',
  'app/api/simulator/[...path]/route.ts':
    "the provider simulator: a stand-in for the providers' own hosts and a test fixture, off in production, not Grantkeeper's API",
};

function routeFiles(dir = 'app/api'): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return routeFiles(rel);
    return /^route\.(ts|tsx|js)$/.test(entry.name) ? [rel] : [];
  });
}

/** `app/api/v1/connections/[id]/route.ts` → `/api/v1/connections/{id}`. */
const pathOf = (file: string) => file.replace(/^app/, '').replace(/\/route\.(ts|tsx|js)$/, '').replace(/\[([^\]]+)\]/g, '{$1}');

describe('the OpenAPI document', () => {
  it('documents every route file under app/api (the simulator and the 404 catch-all excepted, with reasons)', () => {
    const documented = new Set(Object.keys(openApiDocument().paths));
    const files = routeFiles();
    expect(files.length).toBeGreaterThan(20);
    const missing = files.filter((f) => !UNDOCUMENTED[f] && !documented.has(pathOf(f)));
    expect(missing, 'route files without an entry in lib/openapi/registry.ts').toEqual([]);
    // Neither list may go stale: every exception exists, every documented path has its file.
    for (const file of Object.keys(UNDOCUMENTED)) expect(files).toContain(file);
    const served = new Set(files.map(pathOf));
    expect([...documented].filter((p) => !served.has(p)), 'documented paths with no route file').toEqual([]);
  });

  it('fails the coverage check when a route is left out of the registry', () => {
    const withoutStatus = buildOpenApiDocument(API_OPERATIONS.filter((op) => op.path !== '/api/v1/oauth/status'));
    const documented = new Set(Object.keys(withoutStatus.paths));
    expect(routeFiles().filter((f) => !UNDOCUMENTED[f] && !documented.has(pathOf(f)))).toEqual(['app/api/v1/oauth/status/route.ts']);
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(openApiDocument()));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('names every error code with its status, and each operation its errors with the right status', () => {
    const doc = openApiDocument() as unknown as { components: { schemas: { ErrorCode: { enum: string[]; 'x-status': Record<string, number> } } } };
    expect(doc.components.schemas.ErrorCode.enum.sort()).toEqual(Object.keys(ERROR_STATUS).sort());
    expect(doc.components.schemas.ErrorCode['x-status']).toEqual(ERROR_STATUS);
    const token = openApiDocument().paths['/api/v1/connections/{id}/access-token']!.get!;
    const codesAt = (status: number) =>
      ((token.responses[String(status)]?.content?.['application/json']?.schema as { properties: { error: { properties: { code: { enum: string[] } } } } })
        .properties.error.properties.code.enum);
    expect(codesAt(401)).toEqual(['unauthenticated']);
    expect(codesAt(409).sort()).toEqual(['needs_reauth', 'revoked']);
    expect(codesAt(503).sort()).toEqual(['database_unavailable', 'key_unavailable', 'provider_unavailable']);
    expect(token.security).toEqual([{ apiKey: [] }]);
  });

  it('marks the prototype routes deprecated and points to their replacements', () => {
    const { paths } = openApiDocument();
    const compat = [
      paths['/api/v1/oauth/{provider}/refresh']?.post,
      paths['/api/v1/oauth/{provider}/disconnect']?.delete,
      paths['/api/v1/users/me']?.get,
      paths['/api/v1/users/me/accounts']?.get,
    ];
    for (const op of compat) {
      expect(op?.deprecated).toBe(true);
      expect(op?.['x-replaced-by']).toMatch(/^(GET|POST|DELETE) \/api\/v1\//);
    }
    const platform = (paths['/api/v1/oauth/{provider}/refresh']!.post!.parameters as { name: string; schema: { enum: string[] } }[])[0]!;
    expect(platform.schema.enum).toEqual(expect.arrayContaining(['amazon', 'amazon-ads', 'linkedin']));
    // Our own routes are not deprecated.
    expect(paths['/api/v1/connections/{id}/refresh']?.post?.deprecated).toBeUndefined();
  });
});
