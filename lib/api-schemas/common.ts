import 'server-only';
import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from '../http/errors';

/**
 * The wire shapes the routes parse and answer with. Each schema here is used twice: by its route
 * (to parse a request, or to check a response through lib/http/respond.ts) and by the OpenAPI
 * document (lib/openapi), so the description cannot say one thing while the route does another.
 */

/** A timestamp as JSON carries it: `Date#toISOString()`. */
export const timestamp = z.iso.datetime();
export const uuid = z.uuid();

export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

/** `{ error: { code, message, requestId } }`, every error the HTTP surface returns (lib/http/errors.ts). */
export function errorBodySchema(codes: readonly ErrorCode[] = ERROR_CODES) {
  return z.object({
    error: z.object({
      code: z.enum(codes as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      requestId: z.string().optional(),
    }),
  });
}

/** The `{id}` of a connection in a path: anything else is answered as an unknown connection. */
export const connectionIdParams = z.object({ id: uuid });

/** `true` only when A and B are the same type: ties a wire schema to the lib type a client reads it as. */
export type SameType<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
