import { secretsEqual } from '../http/secrets';
import { SIMULATOR_CREDENTIALS, type SimulatedProvider } from './credentials';

/** Which client credentials the simulator accepts; secrets are compared in constant time. */

export type ClientCheck = 'ok' | 'unknown_client' | 'bad_secret';

export function isKnownClient(provider: SimulatedProvider, clientId: string | undefined): boolean {
  return clientId === SIMULATOR_CREDENTIALS[provider].clientId;
}

export function checkClient(provider: SimulatedProvider, clientId: string | undefined, clientSecret: string | undefined): ClientCheck {
  if (!isKnownClient(provider, clientId)) return 'unknown_client';
  if (clientSecret === undefined) return 'bad_secret';
  return secretsEqual(clientSecret, SIMULATOR_CREDENTIALS[provider].clientSecret) ? 'ok' : 'bad_secret';
}
