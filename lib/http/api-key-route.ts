import 'server-only';
import type { NextRequest, NextResponse } from 'next/server';
import { authenticateApiKey, type ApiKeyPrincipal } from '../api-keys/authenticate';
import type { Database } from '../db';
import type { Env } from '../env';
import { requestLogger } from '../log';
import { rateLimitedResponse } from '../rate-limit/headers';
import { clientIp } from '../rate-limit/client-ip';
import { limitRequest } from '../rate-limit/enforce';
import { checkRateLimit } from '../rate-limit/limiter';
import { errorResponse } from './errors';
import { REQUEST_ID_HEADER } from './request-id';

export type ApiKeyRoute<T = undefined> =
  | { key: ApiKeyPrincipal; requestId: string | null; alongside: T; response?: never }
  | { response: NextResponse };

/**
 * The start of every API-key route: the key, counted against its per-key limit (token_api), or
 * the response to return. A refused key is anonymous: it is logged (without the header) and counted per client
 * IP, never written to the audit log, whose rows would otherwise be the attacker's to multiply.
 *
 * `alongside` (a read the route needs next) starts with the rate-limit upsert instead of after it:
 * postgres.js sends both in one write, so the caller waits one round trip, not two. Its result is
 * only handed over when the key is within its limit; a refused request drops it unread.
 */
export async function apiKeyRoute<T = undefined>(
  req: NextRequest,
  db: Database,
  env: Env,
  alongside?: (key: ApiKeyPrincipal) => Promise<T>,
): Promise<ApiKeyRoute<Promise<T> | undefined>> {
  const requestId = req.headers.get(REQUEST_ID_HEADER);
  const settings = env.rateLimits;
  const key = await authenticateApiKey(db, req.headers.get('authorization'));
  if (!key) {
    const ip = clientIp(req.headers, settings.trustProxy);
    requestLogger(requestId).info({ clientIp: ip, path: req.nextUrl.pathname }, 'api key refused');
    const limited = await limitRequest(db, { settings, name: 'auth_failures', subject: ip, requestId });
    return { response: limited ?? errorResponse('unauthenticated', 'A valid API key is required: Authorization: Bearer gk_…', requestId) };
  }
  const started = alongside?.(key);
  // Marked handled now: it may fail while the limiter is still waited for, or be dropped unread
  // below. Whoever awaits it later still gets its error.
  started?.catch(() => undefined);
  const rateLimit = await checkRateLimit(db, settings, 'token_api', key.keyId);
  if (rateLimit && !rateLimit.allowed) {
    requestLogger(requestId).warn({ rateLimit: 'token_api', keyPrefix: key.prefix, retryAfterSec: rateLimit.resetSec }, 'rate limited');
    return { response: rateLimitedResponse(rateLimit, requestId) };
  }
  // No decision to hand over: handleRoute adds its RateLimit fields to whatever the route answers.
  return { key, requestId, alongside: started };
}
