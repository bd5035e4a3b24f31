/**
 * Drives a simulated consent page without a browser (what the e2e tests do by clicking
 * `sim-account-<id>` and `sim-allow`/`sim-deny`). Returns the URL the provider redirected to.
 */
export async function simulateConsent(
  simulatorFetch: typeof fetch,
  authorizeUrl: string,
  choice: { personaId?: string; decision?: 'allow' | 'deny' } = {},
): Promise<URL> {
  const body = new URLSearchParams({ decision: choice.decision ?? 'allow' });
  if (choice.personaId) body.set('persona', choice.personaId);
  const response = await simulatorFetch(authorizeUrl, { method: 'POST', body, redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 302 || !location) {
    throw new Error(`The simulated consent did not redirect (HTTP ${response.status}): ${(await response.text()).slice(0, 300)}`);
  }
  return new URL(location);
}
