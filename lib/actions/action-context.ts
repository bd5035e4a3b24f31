import 'server-only';
import { headers } from 'next/headers';
import { REQUEST_ID_HEADER } from '../http/request-id';
import { withLogContext } from '../log-context';

/**
 * Runs a server action inside its request's log context, as handle-route.ts does for route
 * handlers: every line lib code logs while the action runs carries the request id proxy.ts gave
 * the POST, without the id being passed down.
 */
export async function inActionContext<T>(fn: () => Promise<T>): Promise<T> {
  const requestId = (await headers()).get(REQUEST_ID_HEADER) ?? undefined;
  return withLogContext({ requestId }, fn);
}
