import { callbackUrl, publicOrigin } from '@/lib/connections/origin';
import { getEnv } from '@/lib/env';
import { apiRoute } from '@/lib/http/handle-route';
import { simulatorEnabled } from '@/lib/modes';
import { adminAccessFor } from '@/lib/simulator/access';
import { handleSimulatorRequest } from '@/lib/simulator/handler';
import { getProcessSimulatorState } from '@/lib/simulator/process-state';

/**
 * The provider simulator (lib/simulator): 404 unless it is enabled (lib/modes.ts). Its apps have
 * exactly one redirect URI registered each, the app's own callback at its public origin, and the
 * admin API asks for SIMULATOR_ADMIN_SECRET (off in production without it).
 */

export const dynamic = 'force-dynamic';

async function handle(request: Request): Promise<Response> {
  const env = getEnv();
  if (!simulatorEnabled(env)) {
    return Response.json({ error: 'simulator_disabled' }, { status: 404, headers: { 'cache-control': 'no-store' } });
  }
  const origin = publicOrigin(env, request);
  return handleSimulatorRequest(getProcessSimulatorState(), request, {
    admin: adminAccessFor(env),
    redirectUris: (provider) => [callbackUrl(origin, provider)],
  });
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ GET: handle, POST: handle, DELETE: handle });
