import 'server-only';
import { refuseAdminRequest, type SimulatorContext } from './access';
import { handleAdminRequest } from './admin';
import { AMAZON_ROUTES } from './amazon-ads';
import { SIMULATED_PROVIDERS, SIMULATOR_PATH_PREFIX, type SimulatedProvider } from './credentials';
import { pruneState } from './grants';
import { createSimRequest, json, notFound, type Route, type SimRequest } from './http';
import { LINKEDIN_ROUTES } from './linkedin';
import { META_ROUTES } from './meta';
import { handleReportingAdmin } from './reporting-admin';
import { AMAZON_REPORTING_ROUTES } from './reporting-amazon';
import { LINKEDIN_REPORTING_ROUTES } from './reporting-linkedin';
import { META_REPORTING_ROUTES } from './reporting-meta';
import { reportingOf, resetReporting } from './reporting-state';
import { X_REPORTING_ROUTES } from './reporting-x';
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
  'amazon-ads': [...AMAZON_ROUTES, ...AMAZON_REPORTING_ROUTES],
  linkedin: [...LINKEDIN_ROUTES, ...LINKEDIN_REPORTING_ROUTES],
  x: [...X_ROUTES, ...X_REPORTING_ROUTES],
  // Reporting first: its act_<id>/insights must not fall to the Graph node route.
  meta: [...META_REPORTING_ROUTES, ...META_ROUTES],
};

const isReporting = (provider: SimulatedProvider, req: SimRequest) =>
  ({ 'amazon-ads': AMAZON_REPORTING_ROUTES, linkedin: LINKEDIN_REPORTING_ROUTES, x: X_REPORTING_ROUTES, meta: META_REPORTING_ROUTES })[provider].some(
    (r) => r.hosts.includes(req.host) && r.path.test(req.path),
  );

const isProvider = (value: string | undefined): value is SimulatedProvider =>
  (SIMULATED_PROVIDERS as readonly string[]).includes(value ?? '');

export async function handleSimulatorRequest(state: SimulatorState, request: Request, context: SimulatorContext): Promise<Response> {
  const { pathname } = new URL(request.url);
  const prefix = `${SIMULATOR_PATH_PREFIX}/`;
  if (!pathname.startsWith(prefix)) return notFound();
  const [first, host, ...segments] = pathname.slice(prefix.length).split('/');
  if (first === '_admin') {
    const refused = refuseAdminRequest(context.admin, request, host);
    if (refused) return refused;
    if (host === 'reporting') return handleReportingAdmin(state, request, segments.join('/'));
    // A full reset forgets the reporting state too.
    if (host === 'reset' && request.method === 'POST') resetReporting(state);
    return handleAdminRequest(state, request, [host, ...segments].join('/'));
  }
  if (!isProvider(first) || !host) return notFound();

  // The consent page's synthetic personas are a test affordance: allowed exactly where the admin API is.
  const syntheticPersonas = refuseAdminRequest(context.admin, request) === null;
  const req = createSimRequest(state, first, request, host, `/${segments.join('/')}`, context.redirectUris(first), syntheticPersonas);
  const latencyMs = isReporting(first, req) ? reportingOf(state).knobs.latencyMs : state.knobs[first].latencyMs;
  await state.sleep(latencyMs, request.signal);
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
