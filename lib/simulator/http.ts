import type { SimulatedProvider } from './credentials';
import type { SimulatorState } from './state';

/** The request as a provider module sees it, and the few response shapes every module uses. */

export interface SimRequest {
  state: SimulatorState;
  provider: SimulatedProvider;
  request: Request;
  method: string;
  /** The real host being simulated, e.g. `api.x.com`. */
  host: string;
  /** The real path, e.g. `/2/oauth2/token`. */
  path: string;
  /** The redirect URIs registered for this provider's simulated app (exact match). */
  redirectUris: readonly string[];
  /** Whether this request may consent as a synthetic `bench-<n>` persona: where the admin API would answer it (persona-lookup.ts). */
  syntheticPersonas: boolean;
  url: URL;
  query: URLSearchParams;
  headers: Headers;
  /** The urlencoded body (empty when there is none); read once, cached. */
  form(): Promise<URLSearchParams>;
  /** Token endpoints note their grant type and outcome here for the stats. */
  tokenCall?: { grantType: string; outcome: string };
}

export interface Route {
  methods: readonly string[];
  hosts: readonly string[];
  path: RegExp;
  handle(req: SimRequest, match: RegExpMatchArray): Promise<Response> | Response;
}

export function createSimRequest(
  state: SimulatorState,
  provider: SimulatedProvider,
  request: Request,
  host: string,
  path: string,
  redirectUris: readonly string[],
  syntheticPersonas = false,
): SimRequest {
  const url = new URL(request.url);
  let body: Promise<URLSearchParams> | undefined;
  return {
    state,
    provider,
    request,
    method: request.method.toUpperCase(),
    host: host.toLowerCase(),
    path,
    redirectUris,
    syntheticPersonas,
    url,
    query: url.searchParams,
    headers: request.headers,
    form() {
      body ??= readForm(request);
      return body;
    },
  };
}

async function readForm(request: Request): Promise<URLSearchParams> {
  if (request.method === 'GET' || request.method === 'HEAD') return new URLSearchParams();
  const type = request.headers.get('content-type') ?? '';
  const text = await request.text();
  if (type.includes('application/json')) {
    try {
      const value: unknown = JSON.parse(text);
      if (value && typeof value === 'object') {
        return new URLSearchParams(Object.entries(value).map(([k, v]) => [k, String(v)]));
      }
    } catch {
      // fall through: an unparsable body has no parameters
    }
    return new URLSearchParams();
  }
  return new URLSearchParams(text);
}

/** A parameter's value, or undefined when absent or empty. */
export function param(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name);
  return value === null || value === '' ? undefined : value;
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

export function html(body: string, status = 200): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
}

export function redirect(location: string): Response {
  return new Response(null, { status: 302, headers: { location, 'cache-control': 'no-store' } });
}

export function bearerToken(headers: Headers): string | undefined {
  const match = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(headers.get('authorization') ?? '');
  return match?.[1];
}

/** RFC 6749 §2.3.1 Basic credentials (form-urlencoded id and secret); `malformed` when unreadable. */
export function basicCredentials(headers: Headers): { clientId: string; clientSecret: string } | 'malformed' | undefined {
  const header = headers.get('authorization');
  if (!header || !/^basic\s/i.test(header)) return undefined;
  const decoded = Buffer.from(header.replace(/^basic\s+/i, ''), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      clientSecret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return 'malformed';
  }
}

export function notFound(): Response {
  return json({ error: 'not_found', error_description: 'The simulator does not serve this endpoint.' }, 404);
}
