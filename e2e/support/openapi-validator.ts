import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * Checks real responses against the OpenAPI document (GET /api/v1/openapi.json): the operation
 * exists, the status is one it documents, and a JSON body matches that status's schema. Used by
 * the e2e specs (e2e/support/openapi.ts) and the integration tests, so the document cannot drift
 * from what the routes do.
 */

type Schema = Record<string, unknown>;
interface Doc {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: Schema }> }> }>>;
}

export interface ResponseSample {
  method: string;
  /** A concrete path (`/api/v1/connections/3f…/refresh`), matched to its template. */
  path: string;
  status: number;
  contentType: string | null;
  /** The body text ('' when empty). */
  body: string;
}

/** `/api/v1/connections/{id}` matches `/api/v1/connections/<anything without a slash>`. */
function templateRegex(template: string): RegExp {
  const escaped = template.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('[^/]+')}$`);
}

export function createResponseValidator(doc: Doc) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const compiled = new Map<Schema, ValidateFunction>();
  // The most literal template wins: /api/v1/users/me before a /api/v1/users/{id}, were there one.
  const templates = Object.keys(doc.paths)
    .map((t) => ({ template: t, re: templateRegex(t), literal: t.replace(/\{[^}]+\}/g, '').length }))
    .sort((a, b) => b.literal - a.literal);

  /** What is wrong with this response, in words; empty when it matches the document. */
  return function problems(sample: ResponseSample): string[] {
    const path = sample.path.split('?')[0]!;
    const template = templates.find((t) => t.re.test(path))?.template;
    const where = `${sample.method.toUpperCase()} ${path}`;
    if (!template) return [`${where}: no path in the document`];
    const op = doc.paths[template]![sample.method.toLowerCase()];
    if (!op) return [`${where}: ${sample.method.toUpperCase()} ${template} is not in the document`];
    const response = op.responses[String(sample.status)];
    if (!response) return [`${where}: status ${sample.status} is not documented (documented: ${Object.keys(op.responses).join(', ')})`];
    const isJson = (sample.contentType ?? '').includes('application/json');
    if (!isJson) {
      const documentedTypes = Object.keys(response.content ?? {});
      if (sample.body === '' || documentedTypes.some((t) => (sample.contentType ?? '').startsWith(t))) return [];
      return [`${where} ${sample.status}: ${sample.contentType ?? 'no content type'} is not documented (${documentedTypes.join(', ') || 'no body'})`];
    }
    const schema = response.content?.['application/json']?.schema;
    if (!schema) return [`${where} ${sample.status}: a JSON body where the document has none`];
    let validate = compiled.get(schema);
    if (!validate) compiled.set(schema, (validate = ajv.compile(schema)));
    if (validate(JSON.parse(sample.body))) return [];
    return (validate.errors ?? []).map((e) => `${where} ${sample.status}: ${e.instancePath || '(body)'} ${e.message}`);
  };
}
