/** The header that carries one request's id from the proxy to handlers and logs. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** Accepts a caller's id only if it is short and plain; otherwise mints one. */
export function resolveRequestId(incoming: string | null | undefined): string {
  return incoming && /^[A-Za-z0-9._:-]{8,128}$/.test(incoming) ? incoming : crypto.randomUUID();
}
