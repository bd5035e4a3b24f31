import 'server-only';
import type { NextResponse } from 'next/server';
import type { Sql } from '../db';
import { requestLogger } from '../log';
import { rateLimitedResponse } from './headers';
import { checkRateLimit, rateLimitMessage } from './limiter';
import type { RateLimitName, RateLimitSettings } from './policies';

interface Check {
  settings: RateLimitSettings;
  name: RateLimitName;
  /** Client IP, user id or API key id; hashed before it is stored. */
  subject: string;
  requestId?: string | null;
}

/** For route handlers: counts the request; returns the 429 to answer, or null to go on. */
export async function limitRequest(sql: Sql, check: Check): Promise<NextResponse | null> {
  const refusal = await refused(sql, check);
  return refusal ? rateLimitedResponse(refusal, check.requestId) : null;
}

/** For server actions: counts the call; returns the message for the toast, or null to go on. */
export async function limitAction(sql: Sql, check: Check): Promise<string | null> {
  const refusal = await refused(sql, check);
  return refusal ? rateLimitMessage(refusal) : null;
}

async function refused(sql: Sql, check: Check) {
  const decision = await checkRateLimit(sql, check.settings, check.name, check.subject);
  if (!decision || decision.allowed) return null;
  requestLogger(check.requestId).warn(
    { rateLimit: check.name, subject: check.subject, retryAfterSec: decision.resetSec },
    'rate limited',
  );
  return decision;
}
