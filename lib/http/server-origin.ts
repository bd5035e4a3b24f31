import 'server-only';
import { headers } from 'next/headers';
import { resolveAppOrigin, type OriginSettings } from './app-origin';

/**
 * The public origin inside a server action or component, where there is no Request: APP_URL, or
 * the request's Host (X-Forwarded-* only with TRUST_PROXY=on). See resolveAppOrigin.
 */
export async function serverOrigin(env: OriginSettings): Promise<string> {
  const origin = resolveAppOrigin(env, await headers());
  // proxy.ts has already refused a request without a usable Host, so this is a formality.
  if (!origin) throw new Error('No usable Host header: set APP_URL.');
  return origin;
}
