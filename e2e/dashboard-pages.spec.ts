import { type Page } from '@playwright/test';
import { expect, test } from './support/test';
import postgres from 'postgres';
import { startPostgres, type PostgresServer } from '../tests/support/postgres-server';
import { expectNoHorizontalScroll, expectNoSeriousAxeViolations, visibleBox } from './support/page-checks';
import { fernetKey, freePort, startServer, waitForHealthy, type Server } from './support/server';

/**
 * A user with 120 connections (issue 12 §3): the summary counts them all and lists the ones that
 * need a person first; the cards come 30 a page, Next/Previous walk them (without JavaScript too)
 * and show each card once; the page after a connect is the one holding the new card; the status
 * API pages the same list. Its own server on its own PostgreSQL: the shared user must keep few
 * connections, and the rows are seeded straight into the database.
 */

let pg: PostgresServer | undefined;
let server: Server | undefined;
let sql: postgres.Sql | undefined;

test.afterAll(async () => {
  await sql?.end({ timeout: 1 });
  await server?.stop();
  pg?.stop();
});

const PAGE = 30;
const cards = (page: Page) => page.locator('[data-testid="connection-grid"] [data-testid="connection"]');
const cardIds = async (page: Page) => cards(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-connection-id')!));

test('120 connections: summary first, 30 cards a page, every card once, the needs-attention ones first', async ({ page, browser }) => {
  test.setTimeout(400_000);
  pg = await startPostgres();
  const port = await freePort();
  server = await startServer({
    port,
    env: { AUTH_MODE: 'local', DATABASE_URL: pg.url, ENCRYPTION_KEYS: fernetKey(), APP_URL: `http://localhost:${port}` },
  });
  await waitForHealthy(server, 120_000);
  sql = postgres(pg.url, { max: 1, onnotice: () => {} });
  // 120 tokenless rows nobody will refresh (next attempt in 40 days): 3 need reconnecting, 2 fail,
  // 1 ends in two days without a refresh token, 2 are revoked; names tie in groups of four.
  await sql`insert into users (id) values ('local') on conflict do nothing`;
  await sql`
    insert into connections (user_id, provider, external_account_id, display_name, status, expires_at, next_attempt_at,
                             last_error_code, last_error_message, access_token_enc)
    select 'local', (array['x', 'amazon-ads', 'linkedin'])[g % 3 + 1], 'acct-' || g, 'Account ' || (g / 4),
           case when g in (7, 50, 99) then 'needs_reauth' when g in (20, 81) then 'error' when g in (5, 64) then 'revoked' else 'active' end,
           now() + case when g = 33 then interval '2 days' else interval '50 days' end, now() + interval '40 days',
           case when g in (20, 81) then 'provider_unavailable' end, case when g in (20, 81) then 'The provider keeps answering 500.' end, 'x'
      from generate_series(1, 120) g`;
  await page.goto(`${server.url}/`);

  await test.step('the summary counts every connection and lists those needing attention first', async () => {
    const summary = page.getByTestId('list-summary');
    await expect(summary.getByTestId('count-total')).toHaveText('120');
    await expect(summary.getByTestId('count-active')).toHaveText('113 active');
    await expect(summary.getByTestId('count-needs_reauth')).toHaveText('3 need reconnecting');
    await expect(summary.getByTestId('count-error')).toHaveText('2 failing');
    await expect(summary.getByTestId('count-revoked')).toHaveText('2 revoked');
    await expect(summary.getByTestId('count-provider-x')).toHaveText('X 40');
    const health = page.getByTestId('attention').getByTestId('attention-item').getByTestId('status-badge');
    await expect(health).toHaveCount(6);
    expect(await health.evaluateAll((els) => els.map((e) => e.getAttribute('data-health')))).toEqual([
      'needs_reauth', 'needs_reauth', 'needs_reauth', 'error', 'error', 'expiring_soon',
    ]);
    // The summary and the attention list come before the first card.
    const y = async (testId: string) => (await visibleBox(page.getByTestId(testId), testId)).y;
    expect(await y('attention')).toBeLessThan(await y('connection-grid'));
    expect(await y('list-summary')).toBeLessThan(await y('connection-grid'));
  });

  const pages: string[][] = [];
  await test.step('Next walks every page; each card once; Previous comes back', async () => {
    await expect(page.getByTestId('page-prev')).toBeDisabled();
    for (;;) {
      await expect(cards(page).first()).toBeVisible();
      pages.push(await cardIds(page));
      const next = page.getByTestId('page-next');
      if (await next.isDisabled()) break;
      const before = pages.at(-1)![0];
      await next.click();
      await expect(cards(page).first()).not.toHaveAttribute('data-connection-id', before!);
      expect(page.url()).toContain('cursor=');
    }
    expect(pages.map((p) => p.length)).toEqual([PAGE, PAGE, PAGE, PAGE]);
    const all = pages.flat();
    expect(new Set(all).size).toBe(120);
    await page.getByTestId('page-prev').click();
    await expect.poll(() => cardIds(page)).toEqual(pages[2]);
  });

  await test.step('the status API pages the same list: 100, then the rest', async () => {
    const first = (await (await page.request.get(`${server!.url}/api/v1/oauth/status`)).json()) as { connections: { id: string }[]; next_cursor: string | null };
    expect(first.connections).toHaveLength(100);
    expect(first.next_cursor).toEqual(expect.any(String));
    const rest = (await (await page.request.get(`${server!.url}/api/v1/oauth/status?cursor=${first.next_cursor}`)).json()) as typeof first;
    expect(rest.connections).toHaveLength(20);
    expect(rest.next_cursor).toBeNull();
    expect([...first.connections, ...rest.connections].map((c) => c.id)).toEqual(pages.flat());
  });

  await test.step('without JavaScript, Next is a plain link the server answers with the second page', async () => {
    // (Without JavaScript the streamed sections stay in the HTML unswapped: read the cards from it.)
    const context = await browser.newContext({ javaScriptEnabled: false });
    const noJs = await context.newPage();
    await noJs.goto(`${server!.url}/`);
    expect(await cardIds(noJs)).toEqual(pages[0]);
    const href = await noJs.getByTestId('page-next').getAttribute('href');
    expect(href).toMatch(/^\/\?cursor=[A-Za-z0-9_-]+#connections-heading$/);
    await noJs.goto(`${server!.url}${href}`);
    expect(await cardIds(noJs)).toEqual(pages[1]);
    await context.close();
  });

  await test.step('after a connect the page holding the card opens, the card marked; the tidied URL stays on it', async () => {
    const id = pages[2]![17]!;
    await page.goto(`${server!.url}/?outcome=reconnected&connection=${id}`);
    const card = page.locator(`[data-testid="connection"][data-connection-id="${id}"]`);
    await expect(card).toHaveAttribute('data-highlighted', 'true');
    await expect(card).toBeInViewport();
    await expect(page).toHaveURL(/\/\?cursor=[A-Za-z0-9_-]+$/);
    await expect.poll(() => cardIds(page)).toEqual(pages[2]);
  });

  await test.step('a provider filter lists only its cards, counted alike', async () => {
    await page.goto(`${server!.url}/`);
    await expect(cards(page)).toHaveCount(PAGE);
    await page.getByTestId('count-provider-linkedin').click();
    // A client navigation: the URL changes once the server has rendered the filtered page.
    await expect(page).toHaveURL(/provider=linkedin/, { timeout: 30_000 });
    await expect(cards(page)).toHaveCount(PAGE);
    expect(new Set(await cards(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-provider'))))).toEqual(new Set(['linkedin']));
    await page.getByTestId('page-next').click();
    await expect(cards(page)).toHaveCount(10);
    await expect(page.getByTestId('page-next')).toBeDisabled();
  });

  await test.step('axe, and a 375 px phone without sideways scrolling', async () => {
    await page.goto(`${server!.url}/`);
    await expect(cards(page)).toHaveCount(PAGE);
    await expectNoSeriousAxeViolations(page, '/ with 120 connections');
    await page.setViewportSize({ width: 375, height: 800 });
    await expect(page.getByTestId('list-pager')).toBeVisible();
    await expectNoHorizontalScroll(page, '/ with 120 connections at 375 px');
    // axe on 30 cards was most of this spec's time (over half of it; twice over a minute under
    // load). The whole page was checked at 1440 px above; at 375 px what this page adds — summary,
    // attention list, pager — and the first cards (the other 27 are the same card, which
    // e2e/dashboard-live.spec.ts and e2e/connect.spec.ts check at 375 px too).
    await expectNoSeriousAxeViolations(page, '/ with 120 connections at 375 px', [
      '[data-testid="list-summary"]',
      '[data-testid="attention"]',
      '[data-testid="list-pager"]',
      '[data-testid="connection-grid"] > li:nth-child(-n+3)',
    ]);
  });
});
