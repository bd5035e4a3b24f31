import { expect, type Page } from '@playwright/test';

/**
 * Connects an account the way a person does: the authorize route, the simulator's consent page
 * (pick the persona, Allow), the callback, back on the dashboard. Works with whatever session the
 * page's context carries (local mode, or Clerk cookies). Returns what the callback said.
 */
export async function connectThroughConsent(
  page: Page,
  { provider, persona, region }: { provider: 'amazon-ads' | 'linkedin' | 'x' | 'meta'; persona: string; region?: string },
): Promise<{ connectionId: string; outcome: string }> {
  // The callback's redirect names the outcome and the connection; the dashboard tidies its URL at once.
  const callback = page.waitForResponse((res) => new URL(res.url()).pathname === `/api/v1/oauth/${provider}/callback`);
  await page.goto(`/api/v1/oauth/${provider}/authorize${region ? `?region=${region}` : ''}`);
  await page.waitForURL((url) => url.pathname.startsWith(`/api/simulator/${provider}/`));
  await page.getByTestId(`sim-account-${persona}`).check();
  await page.getByTestId('sim-allow').click();
  const res = await callback;
  expect(res.status(), 'the callback redirects').toBe(303);
  const location = new URL(res.headers()['location']!, res.url());
  await page.waitForURL((url) => url.pathname === '/');
  const outcome = location.searchParams.get('outcome') ?? '';
  const connectionId = location.searchParams.get('connection') ?? '';
  expect(['connected', 'reconnected', 'reconnected_after_revoke', 'region_added'], `outcome of connecting ${persona}`).toContain(outcome);
  expect(connectionId).toMatch(/^[0-9a-f-]{36}$/);
  return { connectionId, outcome };
}
