import 'server-only';
import { headers } from 'next/headers';
import type { Env } from '../env';

/** The public origin inside a server action or component, where there is no Request. */
export async function serverOrigin(env: Pick<Env, 'appUrl'>): Promise<string> {
  if (env.appUrl) return new URL(env.appUrl).origin;
  const h = await headers();
  const host = h.get('x-forwarded-host') ?? h.get('host') ?? 'localhost:3000';
  const proto = h.get('x-forwarded-proto') ?? (host.startsWith('localhost') || host.startsWith('127.') ? 'http' : 'https');
  return `${proto}://${host}`;
}
