import { appCallbackUris, type SimulatorContext } from './access';
import { SIMULATOR_PATH_PREFIX, type SimulatedProvider } from './credentials';
import { handleSimulatorRequest } from './handler';
import type { SimulatorState } from './state';

/**
 * A `fetch` that serves the simulator in-process, for tests of code that takes an injected fetch.
 * It answers only `<origin>/api/simulator/...` and throws for anything else (no accidental
 * network), honours AbortSignal like the real fetch, and never follows redirects (a consent POST
 * returns its 302 with `location`). By default the app at `origin` has its callbacks registered
 * and the admin API is open (in-process callers are tests and this server itself).
 */
export function createSimulatorFetch(state: SimulatorState, options: { origin: string; context?: Partial<SimulatorContext> }): typeof fetch {
  const origin = new URL(options.origin).origin;
  const context: SimulatorContext = { admin: 'open', redirectUris: appCallbackUris(origin), ...options.context };
  const simulatorFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.origin !== origin || !url.pathname.startsWith(`${SIMULATOR_PATH_PREFIX}/`)) {
      throw new TypeError(`createSimulatorFetch serves only ${origin}${SIMULATOR_PATH_PREFIX}/…, not ${url.origin}${url.pathname}`);
    }
    const { signal } = request;
    signal.throwIfAborted();
    return new Promise<Response>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      handleSimulatorRequest(state, request, context)
        .then(resolve, reject)
        .finally(() => signal.removeEventListener('abort', onAbort));
    });
  };
  return simulatorFetch as typeof fetch;
}

/** Where the simulator serves a real provider URL: `https://api.x.com/2/x` → `<origin>/api/simulator/x/api.x.com/2/x`. */
export function toSimulatorUrl(origin: string, provider: SimulatedProvider, realUrl: string): string {
  const url = new URL(realUrl);
  return `${new URL(origin).origin}${SIMULATOR_PATH_PREFIX}/${provider}/${url.host}${url.pathname}${url.search}`;
}
