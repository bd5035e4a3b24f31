import 'server-only';
import type { z } from 'zod';
import { ProviderError, type ProviderDefinition, type ResolvedProvider } from '../providers/types';
import { errorFromResponse, invalidResponseError } from './errors';

/**
 * The one place the engine touches the network. Requests are plain values built by each
 * protocol step; this sends them through the provider's fetch (simulator rewriting, default
 * timeout) and turns failures into ProviderErrors that never mention the URL.
 */

export const DEFAULT_TIMEOUT_MS = 15_000;

/** Token and revocation endpoints take forms (the default); reporting calls take JSON (lib/insights/http.ts). */
export type RequestBody = URLSearchParams | string;

export interface ProviderRequest<Body extends RequestBody = URLSearchParams> {
  method: 'GET' | 'POST' | 'DELETE';
  /** The real provider URL; the provider's fetch rewrites it in simulator mode. */
  url: string;
  headers: Record<string, string>;
  /**
   * Form parameters (RFC 6749 §4.1.3, §6; RFC 7009 §2.1), sent as application/x-www-form-urlencoded;
   * or a serialised JSON body (reporting calls) whose content type is in `headers`.
   */
  body?: Body;
}

export interface ProviderResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined when the body was empty or not JSON. */
  json: unknown;
  /** The request's secrets, scrubbed verbatim from any error description a provider echoes them in. */
  sensitive: string[];
}

const SENSITIVE_PARAMS = [
  'code',
  'code_verifier',
  'refresh_token',
  'access_token',
  'fb_exchange_token',
  'token',
  'client_secret',
  'appsecret_proof',
];

export function sensitiveValues(request: ProviderRequest<RequestBody>): string[] {
  const values: string[] = [];
  const query = new URL(request.url).searchParams;
  // A JSON body (a report request) carries no credentials: they travel in the headers.
  const form = request.body instanceof URLSearchParams ? request.body : undefined;
  for (const key of SENSITIVE_PARAMS) {
    values.push(...query.getAll(key), ...(form?.getAll(key) ?? []));
  }
  const [scheme, credential] = (request.headers.authorization ?? '').split(' ');
  if (credential) values.push(credential);
  if (scheme === 'Basic' && credential) {
    const secret = Buffer.from(credential, 'base64').toString('utf8').split(':')[1] ?? '';
    values.push(secret, new URLSearchParams(`s=${secret}`).get('s') ?? '');
  }
  return values.filter((v) => v.length >= 4);
}

export interface CallOptions {
  /** Per-call timeout; the provider's fetch applies its default when omitted. */
  timeoutMs?: number;
}

export async function sendProviderRequest(
  p: Pick<ResolvedProvider, 'fetch'>,
  request: ProviderRequest<RequestBody>,
  options: CallOptions = {},
): Promise<ProviderResponse> {
  const headers = new Headers({ accept: 'application/json', ...request.headers });
  if (request.body instanceof URLSearchParams) headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
  let response: Response;
  try {
    response = await p.fetch(request.url, {
      method: request.method,
      headers,
      body: request.body?.toString(),
      // A POST that redirects (token endpoint, report create) is misconfigured; following it could resend the secret.
      redirect: request.method === 'GET' ? 'follow' : 'manual',
      ...(options.timeoutMs !== undefined ? { signal: AbortSignal.timeout(options.timeoutMs) } : {}),
    });
  } catch (err) {
    throw networkError(err);
  }
  let raw: string;
  try {
    raw = await response.text();
  } catch (err) {
    throw networkError(err);
  }
  return { status: response.status, headers: response.headers, json: parseJson(raw), sensitive: sensitiveValues(request) };
}

function parseJson(raw: string): unknown {
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

/** Timeouts and connection failures are always transient; the cause's code (ECONNREFUSED…) helps. */
export function networkError(err: unknown): ProviderError {
  const name = err instanceof Error ? err.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new ProviderError({ code: 'timeout', description: 'the provider did not answer in time', kind: 'transient' });
  }
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  const detail = typeof cause?.code === 'string' ? cause.code : 'connection failed';
  return new ProviderError({ code: 'network', description: detail, kind: 'transient' });
}

/** 2xx and a body matching `schema`, else a classified ProviderError. */
export function processJsonResponse<T extends z.ZodType>(
  p: { definition: Pick<ProviderDefinition, 'classifyError'> },
  response: ProviderResponse,
  schema: T,
): z.output<T> {
  if (response.status < 200 || response.status > 299) {
    throw errorFromResponse(p.definition, response);
  }
  const parsed = schema.safeParse(response.json);
  if (!parsed.success) throw invalidResponseError(response.status, parsed.error.issues);
  return parsed.data;
}

/** GET a JSON resource with a bearer token (RFC 6750 §2.1) and parse it. */
export async function getJson<T extends z.ZodType>(
  p: Pick<ResolvedProvider, 'definition' | 'fetch'>,
  url: string,
  schema: T,
  options: CallOptions & { headers?: Record<string, string>; accessToken?: string } = {},
): Promise<z.output<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.accessToken) headers.authorization = `Bearer ${options.accessToken}`;
  const response = await sendProviderRequest(p, { method: 'GET', url, headers }, options);
  return processJsonResponse(p, response, schema);
}
