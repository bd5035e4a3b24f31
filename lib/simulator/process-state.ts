import 'server-only';
import { createSimulatorState, type SimulatorState } from './state';

/**
 * The running app's simulator state. Kept on globalThis because Next bundles each route module
 * separately (and dev reloads them): a module-level variable would not be shared.
 */

const KEY = Symbol.for('grantkeeper.simulator.state');
type Holder = { [KEY]?: SimulatorState };

export function getProcessSimulatorState(): SimulatorState {
  const holder = globalThis as Holder;
  holder[KEY] ??= createSimulatorState({ env: process.env });
  return holder[KEY];
}
