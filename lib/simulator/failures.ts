import { json, type SimRequest } from './http';
import { takeInjectedFailure } from './knobs';

/**
 * Injected token-endpoint failures (knob `failures`), one consumed per token call, each in the
 * provider's own shape so clients classify them as they would the real thing.
 */

export interface TokenFailureShapes {
  /** The provider's dead-grant answer (Amazon invalid_grant, LinkedIn invalid_request, X invalid_request, Meta 190). */
  invalidGrant(grantType: string): Response;
  rateLimited(retryAfterSec: number, nowMs: number): Response;
  serverError(): Response;
}

const DEFAULT_RETRY_AFTER_SEC = 30;
const DEFAULT_TIMEOUT_MS = 30_000;

export async function injectedFailure(req: SimRequest, grantType: string, shapes: TokenFailureShapes): Promise<Response | undefined> {
  const failure = takeInjectedFailure(req.state.knobs, req.provider);
  if (!failure) return undefined;
  req.tokenCall = { grantType, outcome: `injected_${failure.kind}` };
  switch (failure.kind) {
    case 'invalid_grant':
      return shapes.invalidGrant(grantType);
    case 'rate_limited':
      return shapes.rateLimited(failure.retryAfterSec ?? DEFAULT_RETRY_AFTER_SEC, req.state.now());
    case 'server_error':
      return shapes.serverError();
    case 'timeout':
      // Held until the client gives up (its abort ends the wait) or timeoutMs passes.
      await req.state.sleep(failure.timeoutMs ?? DEFAULT_TIMEOUT_MS, req.request.signal);
      return json({ error: 'gateway_timeout', error_description: 'The simulator held this response (injected timeout).' }, 504);
  }
}

/** `{"error", "error_description"}` with a status: the OAuth 2.0 error shape (RFC 6749 §5.2). */
export function oauthError(status: number, error: string, description: string, headers: Record<string, string> = {}): Response {
  return json({ error, error_description: description }, status, headers);
}
