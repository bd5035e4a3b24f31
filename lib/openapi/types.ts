import 'server-only';
import type { z } from 'zod';
import type { ErrorCode } from '../http/errors';

/** How a caller proves who it is; the document's securitySchemes (lib/openapi/document.ts). */
export type AuthScheme = 'session' | 'apiKey' | 'cronSecret' | 'metricsToken' | 'svix';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  description: string;
  /** A JSON body; absent for an empty one (204) or a redirect. */
  schema?: z.ZodType;
  /** A non-JSON body (CSV), described in words. */
  contentType?: string;
  headers?: Record<string, string>;
}

/** One method of one route: everything the document says about it. */
export interface ApiOperation {
  method: HttpMethod;
  /** OpenAPI path template; `{name}` is the route folder `[name]` (the coverage test relies on it). */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** Any one of these is enough; none: anyone may call it. */
  auth: AuthScheme[];
  params?: z.ZodObject;
  query?: z.ZodObject | z.ZodType;
  body?: z.ZodType;
  responses: Record<number, ResponseSpec>;
  /** The error codes this operation answers with; `internal` and `database_unavailable` are implied. */
  errors: ErrorCode[];
  /** A compatibility route kept for the prototype's clients: the route to use instead. */
  replacedBy?: string;
}

/** The identity function that types an entry of the registry. */
export const operation = (op: ApiOperation): ApiOperation => op;
