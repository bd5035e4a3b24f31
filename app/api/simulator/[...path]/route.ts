import { getEnv } from '@/lib/env';
import { apiRoute } from '@/lib/http/handle-route';
import { simulatorEnabled } from '@/lib/modes';
import { handleSimulatorRequest } from '@/lib/simulator/handler';
import { getProcessSimulatorState } from '@/lib/simulator/process-state';

/** The provider simulator (lib/simulator): 404 unless it is enabled (lib/modes.ts). */

export const dynamic = 'force-dynamic';

async function handle(request: Request): Promise<Response> {
  if (!simulatorEnabled(getEnv())) {
    return Response.json({ error: 'simulator_disabled' }, { status: 404, headers: { 'cache-control': 'no-store' } });
  }
  return handleSimulatorRequest(getProcessSimulatorState(), request);
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ GET: handle, POST: handle, DELETE: handle });
