import 'server-only';
import { inRequestContext } from '../http/render-context';

/**
 * Runs a server action inside its request's log context, as handle-route.ts does for route
 * handlers: every line lib code logs while the action runs carries the request id proxy.ts gave
 * the POST, without the id being passed down (lib/http/render-context.ts).
 */
export function inActionContext<T>(fn: () => Promise<T>): Promise<T> {
  return inRequestContext(fn);
}
