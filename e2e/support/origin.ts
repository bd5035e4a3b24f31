/**
 * What a Grantkeeper page's own requests carry. Local mode accepts a change (POST, PUT, PATCH,
 * DELETE) only with the app's own Origin (proxy.ts), so a spec that changes something through the
 * API without a browser says where it comes from, as the dashboard does.
 */
export function sameOrigin(baseURL: string): Record<string, string> {
  return { origin: new URL(baseURL).origin };
}

/** The shared local-mode server of playwright.config.ts. */
export function sharedServerOrigin(): Record<string, string> {
  return sameOrigin(`http://localhost:${process.env.E2E_PORT}`);
}
