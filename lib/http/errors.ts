import { NextResponse } from 'next/server';

/**
 * Every error the HTTP surface returns is one of these codes, mapped to a status in one place.
 * Messages are written for people and never contain a secret.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  invalid_signature: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  needs_reauth: 409,
  revoked: 409,
  rate_limited: 429,
  internal: 500,
  not_configured: 503,
  database_unavailable: 503,
  provider_unavailable: 503,
  key_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export function errorResponse(code: ErrorCode, message: string, requestId?: string | null): NextResponse {
  return NextResponse.json(
    { error: { code, message, ...(requestId ? { requestId } : {}) } },
    { status: ERROR_STATUS[code], headers: { 'cache-control': 'no-store' } },
  );
}
