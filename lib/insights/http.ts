import 'server-only';
import type { z } from 'zod';
import { networkError, processJsonResponse, sensitiveValues, type ProviderResponse } from '../oauth/http';
import type { ResolvedProvider } from '../providers/types';

/**
 * Reporting calls: like lib/oauth/http.ts, but with JSON bodies (Amazon's report request) and
 * binary downloads (Amazon's gzip file). Failures become ProviderErrors that never carry the URL.
 */

export interface InsightRequest {
  method: 'GET' | 'POST';
  /** The real provider URL; the provider's fetch rewrites it in simulator mode. */
  url: string;
  headers: Record<string, string>;
  /** A JSON body, already serialised, with its content type in `headers`. */
  body?: string;
}

export type InsightProviderHandle = Pick<ResolvedProvider, 'definition' | 'fetch'>;

export async function sendInsightRequest(p: Pick<ResolvedProvider, 'fetch'>, request: InsightRequest): Promise<ProviderResponse> {
  let response: Response;
  try {
    response = await p.fetch(request.url, {
      method: request.method,
      headers: new Headers({ accept: 'application/json', ...request.headers }),
      body: request.body,
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
  let json: unknown;
  try {
    json = raw.trim() === '' ? undefined : (JSON.parse(raw) as unknown);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, sensitive: sensitiveValues({ ...request, body: undefined }) };
}

/** Sends and parses: 2xx with a body matching `schema`, else a classified ProviderError. */
export async function requestJson<T extends z.ZodType>(
  p: InsightProviderHandle,
  request: InsightRequest,
  schema: T,
): Promise<{ body: z.output<T>; headers: Headers }> {
  const response = await sendInsightRequest(p, request);
  return { body: processJsonResponse(p, response, schema), headers: response.headers };
}
