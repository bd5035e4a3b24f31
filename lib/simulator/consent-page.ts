import type { PersonaSummary } from './personas';

/**
 * The simulated consent screen: plain server-rendered HTML with inline CSS, accessible (lang,
 * title, labelled controls, AA contrast) and with stable test ids for e2e tests:
 * `sim-account-<personaId>`, `sim-allow`, `sim-deny`.
 */

export interface Brand {
  /** The provider as people know it: "Amazon", "LinkedIn", "X", "Facebook". */
  name: string;
  headerBackground: string;
  headerText: string;
  accent: string;
  accentText: string;
  denyLabel: 'Cancel' | 'Deny';
}

export interface ConsentPageInput {
  brand: Brand;
  clientId: string;
  redirectHost: string;
  scopes: string[];
  personas: PersonaSummary[];
  /** Where the form posts: the same URL, query string included. */
  action: string;
}

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function layout(brand: Brand, title: string, main: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="/icon.svg" type="image/svg+xml">
<title>${escapeHtml(title)}</title>
<style>
  body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f3f4f6; color: #111827; }
  header { background: ${brand.headerBackground}; color: ${brand.headerText}; padding: 0.75rem 1.5rem; font-weight: 700; font-size: 1.25rem; }
  main { max-width: 32rem; margin: 2rem auto; background: #ffffff; border-radius: 0.5rem; padding: 1.5rem 2rem; box-shadow: 0 1px 3px rgba(0,0,0,0.15); }
  @media (max-width: 38rem) { main { margin: 1rem; padding: 1.25rem 1rem; } }
  h1 { font-size: 1.4rem; margin: 0 0 0.5rem; }
  .notice { color: #4b5563; font-size: 0.9rem; margin: 0 0 1rem; }
  dl { margin: 0 0 1rem; } dt { font-weight: 600; } dd { margin: 0 0 0.5rem; word-break: break-all; }
  code { background: #f3f4f6; padding: 0 0.25rem; border-radius: 0.25rem; }
  fieldset { border: 1px solid #d1d5db; border-radius: 0.375rem; margin: 0 0 1.25rem; padding: 0.75rem 1rem; }
  legend { font-weight: 600; padding: 0 0.25rem; }
  .persona { display: flex; gap: 0.5rem; align-items: flex-start; margin: 0.5rem 0; }
  .persona small { display: block; color: #4b5563; }
  .actions { display: flex; gap: 0.75rem; }
  button { font: inherit; font-weight: 600; padding: 0.55rem 1.25rem; border-radius: 999px; cursor: pointer; border: 1px solid #6b7280; }
  button:focus-visible, input:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
  .allow { background: ${brand.accent}; color: ${brand.accentText}; border-color: ${brand.accent}; }
  .deny { background: #ffffff; color: #111827; }
</style>
</head>
<body>
<header>${escapeHtml(brand.name)} <span>(simulated)</span></header>
<main>
${main}
</main>
</body>
</html>
`;
}

export function renderConsentPage(input: ConsentPageInput): string {
  const { brand } = input;
  const personas = input.personas
    .map((p, i) => {
      const id = `sim-account-${p.id}`;
      return `<div class="persona">
  <input type="radio" name="persona" id="${escapeHtml(id)}" data-testid="${escapeHtml(id)}" value="${escapeHtml(p.id)}"${i === 0 ? ' checked' : ''}>
  <label for="${escapeHtml(id)}">${escapeHtml(p.label)}<small>${escapeHtml(p.detail)}</small></label>
</div>`;
    })
    .join('\n');
  // Never empty: handleConsent sends a request without scopes back to the app before rendering.
  const scopes = input.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('');
  return layout(
    brand,
    `Sign in to ${brand.name} (simulated)`,
    `<h1>Sign in to ${escapeHtml(brand.name)} (simulated)</h1>
<p class="notice">Grantkeeper's built-in provider simulator. No real ${escapeHtml(brand.name)} account is used.</p>
<dl>
  <dt>Application (client id)</dt><dd><code data-testid="sim-client-id">${escapeHtml(input.clientId)}</code></dd>
  <dt>Returns to</dt><dd>${escapeHtml(input.redirectHost)}</dd>
  <dt>Permissions requested</dt><dd><ul data-testid="sim-scopes">${scopes}</ul></dd>
</dl>
<form method="post" action="${escapeHtml(input.action)}">
<fieldset>
<legend>Simulated account</legend>
${personas}
</fieldset>
<div class="actions">
  <button type="submit" class="allow" name="decision" value="allow" id="sim-allow" data-testid="sim-allow">Allow</button>
  <button type="submit" class="deny" name="decision" value="deny" id="sim-deny" data-testid="sim-deny">${brand.denyLabel}</button>
</div>
</form>`,
  );
}

/** Shown instead of redirecting when the request cannot be trusted (unknown client, bad redirect_uri). */
export function renderErrorPage(brand: Brand, message: string): string {
  return layout(
    brand,
    `${brand.name} (simulated): error`,
    `<h1>Something went wrong</h1>
<p data-testid="sim-error">${escapeHtml(message)}</p>
<p class="notice">Grantkeeper's built-in ${escapeHtml(brand.name)} simulator could not start this authorization.</p>`,
  );
}
