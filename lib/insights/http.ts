import 'server-only';
import type { z } from 'zod';
import { processJsonResponse, sendProviderRequest, type ProviderRequest } from '../oauth/http';
import type { ResolvedProvider } from '../providers/types';

/**
 * Reporting calls go through the engine's one send step (lib/oauth/http.ts), with JSON bodies
 * (Amazon's report request) instead of forms; binary downloads (Amazon's gzip file) are the
 * provider's own. Failures become ProviderErrors that never carry the URL.
 */

/** `body`, when present, is JSON already serialised, with its content type in `headers`. */
export interface InsightRequest extends ProviderRequest<string> {
  method: 'GET' | 'POST';
}

export type InsightProviderHandle = Pick<ResolvedProvider, 'definition' | 'fetch'>;

/** Sends and parses: 2xx with a body matching `schema`, else a classified ProviderError. */
export async function requestJson<T extends z.ZodType>(
  p: InsightProviderHandle,
  request: InsightRequest,
  schema: T,
): Promise<{ body: z.output<T>; headers: Headers }> {
  const response = await sendProviderRequest(p, request);
  return { body: processJsonResponse(p, response, schema), headers: response.headers };
}
