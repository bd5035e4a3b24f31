import 'server-only';
import { refuseAdminRequest, type SimulatorContext } from './access';
import { handleAdminRequest } from './admin';
import { AMAZON_ROUTES } from './amazon-ads';
import { SIMULATED_PROVIDERS, SIMULATOR_PATH_PREFIX, type SimulatedProvider } from './credentials';
import { pruneState } from './grants';
import { createSimRequest, json, notFound, type Route, type SimRequest } from './http';
import { LINKEDIN_ROUTES } from './linkedin';
import { META_ROUTES } from './meta';
import type { SimulatorState } from './state';
import { recordCall, recordTokenCall } from './stats';
import { X_ROUTES } from './x';

/**
 * The simulator's one entry point: `/api/simulator/<slug>/<real host><real path>` is served as
 * the real `https://<host><path>` would be; `/api/simulator/_admin/*` is the test-only admin API,
 * guarded by `context.admin`. Pure apart from `state`, so tests call it directly (or through
 * createSimulatorFetch).
 */

const ROUTES: Record<SimulatedProvider, Route[]> = {
  'amazon-ads': AMAZON_ROUTES,
  linkedin: LINKEDIN_ROUTES,
  x: X_ROUTES,
  meta: META_ROUTES,
};

const isProvider = (value: string | undefined): value is SimulatedProvider =>
  (SIMULATED_PROVIDERS as readonly string[]).includes(value ?? '');

export async function handleSimulatorRequest(state: SimulatorState, request: Request, context: SimulatorContext): Promise<Response> {
  const { pathname } = new URL(request.url);
  const prefix = `${SIMULATOR_PATH_PREFIX}/`;
  if (!pathname.startsWith(prefix)) return notFound();
  const [first, host, ...segments] = pathname.slice(prefix.length).split('/');
  if (first === '_admin') {
    return refuseAdminRequest(context.admin, request) ?? handleAdminRequest(state, request, [host, ...segments].join('/'));
  }
  if (!isProvider(first) || !host) return notFound();

  const req = createSimRequest(state, first, request, host, `/${segments.join('/')}`, context.redirectUris(first));
  await state.sleep(state.knobs[first].latencyMs, request.signal);
  pruneState(state);
  const response = await dispatch(ROUTES[first], req);
  if (req.tokenCall) recordTokenCall(state.stats, first, req.tokenCall.grantType, req.tokenCall.outcome);
  recordCall(state.stats, first, {
    at: new Date(state.now()).toISOString(),
    method: req.method,
    endpoint: `${req.host}${req.path}`,
    status: response.status,
    ...req.tokenCall,
  });
  return response;
}

async function dispatch(routes: Route[], req: SimRequest): Promise<Response> {
  const allowed = new Set<string>();
  for (const route of routes) {
    if (!route.hosts.includes(req.host)) continue;
    const match = route.path.exec(req.path);
    if (!match) continue;
    if (!route.methods.includes(req.method)) {
      route.methods.forEach((m) => allowed.add(m));
      continue;
    }
    try {
      return await route.handle(req, match);
    } catch (err) {
      // A simulator bug, not a provider behaviour: say so plainly.
      const message = err instanceof Error ? err.message : String(err);
      return json({ error: 'simulator_error', error_description: message }, 500);
    }
  }
  if (allowed.size > 0) {
    return json({ error: 'method_not_allowed' }, 405, { allow: [...allowed].join(', ') });
  }
  return notFound();
}
