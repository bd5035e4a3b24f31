import 'server-only';
import { z } from 'zod';
import pkg from '../../package.json';
import { errorBodySchema, ERROR_CODES } from '../api-schemas/common';
import { ERROR_STATUS, type ErrorCode } from '../http/errors';
import { API_OPERATIONS } from './registry';
import type { ApiOperation, AuthScheme } from './types';

/**
 * The OpenAPI 3.1 document, built from the registry (lib/openapi/registry.ts) and the same zod
 * schemas the routes parse and answer with: there is no hand-written copy to drift. Served at
 * GET /api/v1/openapi.json and rendered at /docs/api.
 */

type JsonSchema = Record<string, unknown>;
export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, OpenApiOperation>> };
export interface OpenApiOperation {
  operationId: string;
  summary: string;
  deprecated?: boolean;
  responses: Record<string, { description: string; content?: Record<string, { schema?: JsonSchema }> }>;
  [key: string]: unknown;
}

/** Every route may also fail like this (lib/http/handle-route.ts). */
const IMPLIED_ERRORS: ErrorCode[] = ['internal', 'database_unavailable'];

export const SECURITY_SCHEMES: Record<AuthScheme, JsonSchema> = {
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: '__session',
    description:
      'A signed-in browser: the Clerk session cookie in Clerk mode; in local single-operator mode every request to the local ' +
      "origin is the operator's. A change (POST, PUT, PATCH, DELETE) must also carry this app's own Origin header.",
  },
  apiKey: { type: 'http', scheme: 'bearer', bearerFormat: 'gk_<prefix>_<secret>', description: 'An API key made on the settings page.' },
  cronSecret: { type: 'http', scheme: 'bearer', description: 'The deployment’s CRON_SECRET (Vercel Cron sends it).' },
  metricsToken: { type: 'http', scheme: 'bearer', description: 'The deployment’s METRICS_TOKEN (a Prometheus scrape job sends it).' },
  svix: {
    type: 'apiKey',
    in: 'header',
    name: 'svix-signature',
    description: 'Svix signature over svix-id, svix-timestamp and the body, with CLERK_WEBHOOK_SIGNING_SECRET.',
  },
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** `get /api/v1/connections/{id}/refresh` → `getApiV1ConnectionsIdRefresh`. */
function operationId(op: ApiOperation): string {
  const words = `${op.method} ${op.path}`.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: where,
      required: where === 'path' || (object.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: propertySchema,
    };
  });
}

function errorResponses(op: ApiOperation) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of [...op.errors, ...IMPLIED_ERRORS]) {
    const status = ERROR_STATUS[code];
    if (op.responses[status]) continue;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, codes]) => [
      String(status),
      {
        description: `Error: ${codes.map((c) => `\`${c}\``).join(', ')}.`,
        content: { 'application/json': { schema: jsonSchema(errorBodySchema(codes), 'output') } },
      },
    ]),
  );
}

function describeOperation(op: ApiOperation): OpenApiOperation {
  const compat = op.replacedBy ? `Compatibility route for the prototype's clients: use \`${op.replacedBy}\` instead.` : undefined;
  const bodyOptional = op.body?.safeParse(undefined).success ?? false;
  const responses = Object.fromEntries(
    Object.entries(op.responses).map(([status, r]) => {
      const content = {
        ...(r.schema ? { 'application/json': { schema: jsonSchema(r.schema, 'output') } } : {}),
        ...(r.contentType ? { [r.contentType]: { schema: { type: 'string' } } } : {}),
      };
      const headers = r.headers && Object.fromEntries(Object.entries(r.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }]));
      return [status, { description: r.description, ...(headers ? { headers } : {}), ...(Object.keys(content).length ? { content } : {}) }];
    }),
  );
  return {
    operationId: operationId(op),
    tags: [op.tag],
    summary: op.summary,
    ...(op.description || compat ? { description: [compat, op.description].filter(Boolean).join('\n\n') } : {}),
    ...(op.replacedBy ? { deprecated: true, 'x-replaced-by': op.replacedBy } : {}),
    security: op.auth.map((scheme) => ({ [scheme]: [] })),
    parameters: [...parameters(op.params, 'path'), ...parameters(op.query, 'query')],
    ...(op.body
      ? { requestBody: { required: !bodyOptional, content: { 'application/json': { schema: jsonSchema(op.body, 'input') } } } }
      : {}),
    responses: { ...responses, ...errorResponses(op) },
  };
}

const DESCRIPTION = `Grantkeeper keeps OAuth grants alive and hands fresh access tokens to your services.

Every error is \`{ "error": { "code", "message", "requestId" } }\` with one of the codes below, each always with the same status.
A method a route does not implement answers \`405 method_not_allowed\` with \`Allow\`; a path no route serves, \`404 not_found\`.`;

let cached: OpenApiDocument | undefined;

export function buildOpenApiDocument(operations: readonly ApiOperation[] = API_OPERATIONS): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const op of operations) (paths[op.path] ??= {})[op.method] = describeOperation(op);
  const tags = [...new Set(operations.map((op) => op.tag))].map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: { title: 'Grantkeeper API', version: pkg.version, description: DESCRIPTION },
    servers: [{ url: '/' }],
    tags,
    paths,
    components: {
      securitySchemes: SECURITY_SCHEMES,
      schemas: {
        ErrorCode: { type: 'string', enum: ERROR_CODES, description: 'Every error code; x-status gives its HTTP status.', 'x-status': ERROR_STATUS },
        Error: jsonSchema(errorBodySchema(), 'output'),
      },
    },
  };
}

/** The document of this build, made once (the schemas do not change at run time). */
export function openApiDocument(): OpenApiDocument {
  return (cached ??= buildOpenApiDocument());
}
