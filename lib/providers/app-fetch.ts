import 'server-only';
import { getProcessSimulatorState } from '../simulator/process-state';
import { createSimulatorFetch } from '../simulator/fetch';
import { SIMULATOR_PATH_PREFIX } from '../simulator/credentials';

/**
 * The fetch for server-side provider calls without a request at hand (the sweep): simulated
 * providers are served by this process's simulator directly — the same state the simulator's
 * routes use — and everything else goes to the network.
 */
export function appFetch(origin: string, base: typeof fetch = fetch): typeof fetch {
  // Provider calls only: nothing here has a reason to reach the admin API.
  const simulator = createSimulatorFetch(getProcessSimulatorState(), { origin, context: { admin: 'off' } });
  const prefix = `${origin}${SIMULATOR_PATH_PREFIX}`;
  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    return url.startsWith(prefix) ? simulator(input, init) : base(input, init);
  };
}
