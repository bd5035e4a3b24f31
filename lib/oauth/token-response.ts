import 'server-only';
import { z } from 'zod';
import type { ResolvedProvider, TokenSet } from '../providers/types';
import { errorFromResponse, invalidResponseError } from './errors';
import type { ProviderResponse } from './http';

/**
 * The token endpoint's success response (RFC 6749 §5.1), as the four platforms really send it:
 * `expires_in` as a number or a numeric string (Amazon/Alexa [AZ14]), `scope` space- or
 * comma-separated (LinkedIn [LI3][LI13]), `token_type` absent (LinkedIn [LI1]), `refresh_token`
 * absent (Meta [M1], Amazon refreshes [AZ16], X without offline.access [X1]). Unknown fields are
 * ignored.
 */

const seconds = z
  .union([z.number(), z.string().trim().regex(/^\d+(\.\d+)?$/).transform(Number)])
  .pipe(z.number().nonnegative())
  .transform(Math.floor);

/** null and "" mean "not sent": the caller keeps what it has (invariant 3) or applies a default. */
const absent = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === null || v === '' ? undefined : v), schema.optional());

export const TokenResponseBody = z.object({
  access_token: z.string().min(1),
  token_type: absent(z.string()),
  expires_in: absent(seconds),
  refresh_token: absent(z.string()),
  refresh_token_expires_in: absent(seconds),
  scope: absent(z.union([z.string(), z.array(z.string())])),
  id_token: absent(z.string()),
});

export function parseScopes(scope: string | string[] | undefined): string[] | undefined {
  if (scope === undefined) return undefined;
  const list = Array.isArray(scope) ? scope : scope.split(/[\s,]+/);
  return list.map((s) => s.trim()).filter(Boolean);
}

/**
 * A token endpoint response as a TokenSet, or a classified ProviderError. Some servers answer
 * errors with 200 and an `error` member; that is an error too (RFC 6749 §5.2 shape wins).
 */
export function processTokenResponse(p: Pick<ResolvedProvider, 'definition'>, response: ProviderResponse): TokenSet {
  const ok = response.status >= 200 && response.status <= 299;
  const body = response.json as Record<string, unknown> | undefined;
  if (!ok || (body && typeof body === 'object' && 'error' in body && !('access_token' in body))) {
    throw errorFromResponse(p.definition, response);
  }
  const parsed = TokenResponseBody.safeParse(response.json);
  if (!parsed.success) throw invalidResponseError(response.status, parsed.error.issues);
  const t = parsed.data;
  return withoutUndefined({
    accessToken: t.access_token,
    refreshToken: t.refresh_token,
    expiresIn: t.expires_in,
    refreshTokenExpiresIn: t.refresh_token_expires_in,
    scopes: parseScopes(t.scope),
    tokenType: t.token_type,
    idToken: t.id_token,
  });
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
