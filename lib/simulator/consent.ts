import { z } from 'zod';
import { isKnownClient } from './client-auth';
import { renderConsentPage, renderErrorPage, type Brand } from './consent-page';
import { issueCode } from './grants';
import { html, param, redirect, type SimRequest } from './http';
import { syntheticPersonaNumber } from './persona-lookup';
import { listPersonas } from './personas';
import { parseChallengeMethod } from './pkce';
import type { AuthCode } from './state';

/**
 * The authorization endpoint of every simulated provider. GET shows the consent page; the page
 * posts back to the same URL (query string included) with `decision` and `persona` (a listed
 * persona, or a synthetic `bench-<n>` where the admin API is allowed: persona-lookup.ts). Problems
 * with the client or redirect_uri show an error page (never redirect to an unchecked URL, RFC
 * 6749 §4.1.2.1); anything else goes back to the redirect_uri as an OAuth error. A redirect_uri
 * must be one registered for the app, exactly, as Amazon, X and LinkedIn require [AZ1][X1][LI1]: otherwise a
 * link to the simulator could send codes to anyone's server.
 */

export interface ConsentSpec {
  brand: Brand;
  scopeSeparator: ' ' | ',';
  /** Scopes the provider knows; anything else is refused. */
  knownScopes: readonly string[];
  /** How the provider refuses an unknown scope (LinkedIn has its own error code). */
  invalidScopeError: string;
  codeLifetimeSec: number;
  /** required: X [X1]; optional: Amazon [AZ10]; ignored: LinkedIn web flow, Meta classic dialog [M12]. */
  pkce: 'required' | 'optional' | 'ignored';
  /** Meta defaults response_type to code; the others require it. */
  responseTypeOptional?: boolean;
  /** Meta: `config_id` (Facebook Login for Business) stands in for `scope` [M3]. */
  scopesForConfigId?: readonly string[];
  /** Parameters the denial redirect carries besides `state`. */
  denial: Record<string, string>;
  /** Extra success parameters (Amazon echoes `scope` [AZ1]). */
  approvalExtras?(code: AuthCode): Record<string, string>;
  /** Meta may append `#_=_` to the redirect [M18]. */
  successFragment?: string;
}

const decisionSchema = z.object({ decision: z.enum(['allow', 'deny']), persona: z.string().min(1).optional() });

export async function handleConsent(req: SimRequest, spec: ConsentSpec): Promise<Response> {
  const q = req.query;
  const clientId = param(q, 'client_id');
  const redirectUri = param(q, 'redirect_uri');
  const errorPage = (message: string) => html(renderErrorPage(spec.brand, message), 400);

  if (!clientId) return errorPage('The request is missing client_id.');
  if (!isKnownClient(req.provider, clientId)) return errorPage(`Unknown client_id "${clientId}".`);
  if (!redirectUri) return errorPage('The request is missing redirect_uri.');
  const target = parseRedirectUri(redirectUri);
  if (!target) return errorPage('redirect_uri must be an absolute http(s) URL without a fragment.');
  if (!req.redirectUris.includes(redirectUri)) {
    return errorPage(`The redirect_uri is not registered for this app. Registered: ${req.redirectUris.join(', ') || 'none'}.`);
  }

  const state = param(q, 'state');
  const back = (params: Record<string, string>, fragment = '') => {
    const url = new URL(target);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    if (state !== undefined) url.searchParams.set('state', state);
    return redirect(url.toString() + fragment);
  };

  const responseType = param(q, 'response_type');
  if (responseType !== 'code' && !(spec.responseTypeOptional && responseType === undefined)) {
    return back({ error: 'unsupported_response_type', error_description: 'response_type must be code' });
  }

  const scopes = requestedScopes(q, spec);
  if (scopes.length === 0) return back({ error: 'invalid_request', error_description: 'A required parameter "scope" is missing' });
  const unknown = scopes.filter((s) => !spec.knownScopes.includes(s));
  if (unknown.length > 0) {
    return back({ error: spec.invalidScopeError, error_description: `Scope "${unknown.join(spec.scopeSeparator)}" is not authorized for your application` });
  }

  let pkce: Pick<AuthCode, 'codeChallenge' | 'codeChallengeMethod'> = {};
  if (spec.pkce !== 'ignored') {
    const challenge = param(q, 'code_challenge');
    const method = parseChallengeMethod(param(q, 'code_challenge_method'));
    if (spec.pkce === 'required' && !challenge) {
      return back({ error: 'invalid_request', error_description: 'Missing required parameter [code_challenge].' });
    }
    if (challenge && !method) return back({ error: 'invalid_request', error_description: 'code_challenge_method must be S256 or plain' });
    if (challenge) pkce = { codeChallenge: challenge, codeChallengeMethod: method };
  }

  const personas = listPersonas(req.provider);
  if (req.method === 'GET') {
    return html(
      renderConsentPage({
        brand: spec.brand,
        clientId,
        redirectHost: target.host,
        scopes,
        personas,
        action: `${req.url.pathname}${req.url.search}`,
      }),
    );
  }

  const form = decisionSchema.safeParse(Object.fromEntries(await req.form()));
  if (!form.success) return errorPage('Choose Allow or ' + spec.brand.denyLabel + '.');
  if (form.data.decision === 'deny') return back(spec.denial);

  const personaId = form.data.persona ?? personas[0]?.id;
  const synthetic = personaId !== undefined && syntheticPersonaNumber(personaId) !== undefined;
  if (synthetic && !req.syntheticPersonas) {
    return errorPage('Synthetic accounts (bench-<n>) need the simulator admin access: SIMULATOR_ADMIN_SECRET as a Bearer token.');
  }
  if (!personaId || !(synthetic || personas.some((p) => p.id === personaId))) return errorPage('Choose one of the simulated accounts.');
  const code = issueCode(
    req.state,
    { provider: req.provider, clientId, redirectUri, personaId, scopes, ...pkce },
    spec.codeLifetimeSec,
  );
  return back({ code: code.code, ...spec.approvalExtras?.(code) }, spec.successFragment);
}

function requestedScopes(q: URLSearchParams, spec: ConsentSpec): string[] {
  const raw = param(q, 'scope');
  if (raw === undefined) return spec.scopesForConfigId && param(q, 'config_id') ? [...spec.scopesForConfigId] : [];
  // Split on the provider's separator only: a client that joins with the wrong one sends one unknown scope.
  return raw
    .split(spec.scopeSeparator)
    .map((s) => s.trim())
    .filter(Boolean);
}

function parseRedirectUri(value: string): URL | undefined {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !value.includes('#') ? url : undefined;
  } catch {
    return undefined;
  }
}
