import type { AccessTokenLookup } from './grants';
import { json } from './http';
import { fbtraceId } from './token-format';

/** Graph API errors: `{"error":{"message","type","code","error_subcode","fbtrace_id"}}` [M4]. */

export function graphError(
  status: number,
  message: string,
  code: number,
  subcode?: number,
  extra: { headers?: Record<string, string>; isTransient?: boolean; type?: string } = {},
): Response {
  return json(
    {
      error: {
        message,
        type: extra.type ?? 'OAuthException',
        ...(extra.isTransient !== undefined ? { is_transient: extra.isTransient } : {}),
        code,
        ...(subcode !== undefined ? { error_subcode: subcode } : {}),
        fbtrace_id: fbtraceId(),
      },
    },
    status,
    extra.headers,
  );
}

/** Why a token is dead, as Meta words it: code 190 and a subcode [M4][M16][M23]. */
export function deadTokenDetails(found: Exclude<AccessTokenLookup, { ok: true }>, nowMs: number): { message: string; subcode?: number } {
  switch (found.reason) {
    case 'unknown':
      return { message: 'Invalid OAuth access token - Cannot parse access token' };
    case 'expired': {
      const when = new Date(found.record.expiresAt ?? nowMs).toUTCString();
      return { message: `Error validating access token: Session has expired on ${when}. The current time is ${new Date(nowMs).toUTCString()}.`, subcode: 463 };
    }
    case 'revoked':
      // The app was removed (by the user, or by DELETE /me/permissions): 458 "app not installed".
      // A password change, or a session ended some other way, is 460.
      return found.revokedReason === 'revoked_by_app' || found.revokedReason === 'removed_by_user'
        ? { message: `Error validating access token: The user has not authorized application ${found.grant.clientId}.`, subcode: 458 }
        : {
            message:
              'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
            subcode: 460,
          };
  }
}

export function deadTokenError(found: Exclude<AccessTokenLookup, { ok: true }>, nowMs: number): Response {
  const { message, subcode } = deadTokenDetails(found, nowMs);
  return graphError(400, message, 190, subcode);
}

const THROTTLE_MESSAGES: Record<4 | 17 | 613, string> = {
  4: '(#4) Application request limit reached',
  17: '(#17) User request limit reached',
  613: '(#613) Calls to this api have exceeded the rate limit.',
};

/** Throttling: usage headers instead of Retry-After [M5][M15]; code 4 has been seen with HTTP 403 [M24]. */
export function throttledError(code: 4 | 17 | 613): Response {
  return graphError(code === 4 ? 403 : 400, THROTTLE_MESSAGES[code], code, undefined, {
    isTransient: true,
    headers: {
      'x-app-usage': JSON.stringify({ call_count: 100, total_cputime: 34, total_time: 41 }),
      'x-business-use-case-usage': JSON.stringify({
        '1234567890123451': [{ type: 'ads_management', call_count: 100, total_cputime: 28, total_time: 35, estimated_time_to_regain_access: 5 }],
      }),
    },
  });
}
