import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SIMULATOR_CREDENTIALS } from './credentials';
import { createSimulatorFetch, toSimulatorUrl } from './fetch';
import { issueAccessToken } from './grants';
import { reportingOf } from './reporting-state';
import { createSimulatorState, type Grant, type SimulatorState } from './state';

/** Meta insights as a sync sees them (providers.md §4 "Insights", [M4][M5][M25]). */
const ORIGIN = 'http://sim.test';
const GRAPH = 'https://graph.facebook.com/v25.0';
const LUCIA = 'act_1234567890123451';
const BEN = 'act_1234567890123461';
const RANGE = encodeURIComponent(JSON.stringify({ since: '2026-11-01', until: '2026-11-03' }));
const QUERY = `level=campaign&time_increment=1&time_range=${RANGE}`;

/** A live Meta grant without the dialog (seedGrant leaves Meta out): what a code exchange yields. */
function metaToken(state: SimulatorState, opts: { personaId?: string; scopes?: string[]; clientId?: string } = {}): { token: string; grant: Grant } {
  const grant: Grant = {
    id: `grant-${Math.random()}`,
    provider: 'meta',
    clientId: opts.clientId ?? SIMULATOR_CREDENTIALS.meta.clientId,
    personaId: opts.personaId ?? 'meta-lucia',
    scopes: opts.scopes ?? ['ads_read'],
    consentedAt: state.now(),
    refreshCount: 0,
  };
  state.grants.set(grant.id, grant);
  return { token: issueAccessToken(state, grant, 3600).token, grant };
}

function setup() {
  const state = createSimulatorState();
  const fetchSim = createSimulatorFetch(state, { origin: ORIGIN });
  const get = (path: string, token?: string, init?: RequestInit) =>
    fetchSim(toSimulatorUrl(ORIGIN, 'meta', `${GRAPH}${path}`), { ...init, headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { state, get, knobs: reportingOf(state).knobs };
}

type GraphErrorBody = { error: { message: string; type: string; code: number; error_subcode?: number; fbtrace_id: string } };
const errorOf = async (res: Response) => ((await res.json()) as GraphErrorBody).error;

describe('simulator Meta insights', () => {
  it('answers string metrics per campaign-day, pages by cursor with the page-size knob, and sends usage headers when the knob says so', async () => {
    const { state, get, knobs } = setup();
    const { token } = metaToken(state);
    knobs.metaPageSize = 4;
    knobs.metaUsagePct = 87;
    const first = await get(`/${LUCIA}/insights?${QUERY}&fields=campaign_id,spend,impressions,account_currency,actions&limit=50`, token);
    expect(first.status).toBe(200);
    const page = (await first.json()) as { data: Record<string, unknown>[]; paging: { next?: string; cursors: { after: string } } };
    expect(page.data).toHaveLength(4);
    const row = page.data[0]!;
    expect(Object.keys(row).sort()).toEqual(['account_currency', 'actions', 'campaign_id', 'date_start', 'date_stop', 'impressions', 'spend']);
    expect(row.account_currency).toBe('EUR');
    expect(row.impressions).toMatch(/^\d+$/);
    expect(row.spend).toMatch(/^\d+\.\d{2}$/);
    expect(JSON.parse(first.headers.get('x-ad-account-usage')!)).toMatchObject({ acc_id_util_pct: 87 });
    expect(JSON.parse(first.headers.get('x-business-use-case-usage')!)[LUCIA][0]).toMatchObject({ type: 'ads_insights', call_count: 87 });

    // Follow `next` to the end: every row once, no `next` on the last page.
    const rows = [...page.data];
    let next = page.paging.next;
    while (next) {
      const res = await get(new URL(next).pathname.replace(/^\/v25\.0/, '') + new URL(next).search, token);
      const more = (await res.json()) as typeof page;
      rows.push(...more.data);
      next = more.paging.next;
    }
    const days = new Set(rows.map((r) => r.date_start));
    expect([...days].sort()).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
    expect(new Set(rows.map((r) => `${r.campaign_id}/${r.date_start}`)).size).toBe(rows.length);
  });

  it('leaves the token out of the next link, and sends no usage headers by default', async () => {
    const { state, get, knobs } = setup();
    const { token } = metaToken(state);
    knobs.metaPageSize = 1;
    const res = await get(`/${LUCIA}/insights?access_token=${token}&${QUERY}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Record<string, unknown>[]; paging: { next?: string } };
    expect(Object.keys(body.data[0]!).sort()).toEqual(['date_start', 'date_stop', 'impressions', 'spend']);
    expect(body.paging.next).toMatch(/^https:\/\/graph\.facebook\.com\//);
    expect(body.paging.next).not.toContain(token);
    expect(res.headers.get('x-ad-account-usage')).toBeNull();
  });

  it('starts from the first row for a cursor it did not issue, and uses 25 rows for a limit that is not a number', async () => {
    const { state, get } = setup();
    const { token } = metaToken(state);
    const first = (await (await get(`/${LUCIA}/insights?${QUERY}&limit=3`, token)).json()) as { data: unknown[] };
    const forged = (await (await get(`/${LUCIA}/insights?${QUERY}&limit=3&after=${Buffer.from('page:7').toString('base64url')}`, token)).json()) as { data: unknown[] };
    expect(forged.data).toEqual(first.data);
    const wide = (await (await get(`/${LUCIA}/insights?${QUERY}&limit=lots`, token)).json()) as { data: unknown[] };
    expect(wide.data.length).toBeGreaterThan(3);
    expect(wide.data.length).toBeLessThanOrEqual(25);
  });

  it('throttles with error 17 and the regain time in the usage header, never Retry-After', async () => {
    const { state, get, knobs } = setup();
    const { token } = metaToken(state);
    knobs.rateLimit = { meta: { count: 2, retryAfterSec: 90 } };
    const limited = await get(`/${LUCIA}/insights?${QUERY}`, token);
    expect(limited.status).toBe(400);
    expect(await errorOf(limited)).toMatchObject({ code: 17, message: '(#17) User request limit reached' });
    expect(limited.headers.get('retry-after')).toBeNull();
    expect(JSON.parse(limited.headers.get('x-business-use-case-usage')!)[LUCIA][0].estimated_time_to_regain_access).toBe(2);
    knobs.rateLimit = { meta: { count: 1, retryAfterSec: null } };
    const noTime = await get(`/${LUCIA}/insights?${QUERY}`, token);
    expect(JSON.parse(noTime.headers.get('x-business-use-case-usage')!)[LUCIA][0].estimated_time_to_regain_access).toBe(0);
    expect((await get(`/${LUCIA}/insights?${QUERY}`, token)).status).toBe(200);
  });

  it('refuses dead tokens, a wrong appsecret_proof, a missing ads scope and a foreign account the way Graph does', async () => {
    const { state, get, knobs } = setup();
    const { token } = metaToken(state);
    knobs.unauthorized = { meta: 1 };
    const died = await get(`/${LUCIA}/insights?${QUERY}`, token);
    expect(died.status).toBe(400);
    expect(await errorOf(died)).toMatchObject({ code: 190, error_subcode: 463, type: 'OAuthException' });

    expect(await errorOf(await get(`/${LUCIA}/insights?${QUERY}`, 'EAAnot-a-token'))).toMatchObject({ code: 190, message: 'Invalid OAuth access token - Cannot parse access token' });
    expect(await errorOf(await get(`/${LUCIA}/insights?${QUERY}`))).toMatchObject({ code: 190 });

    const wrongProof = await get(`/${LUCIA}/insights?${QUERY}&appsecret_proof=abc`, token);
    expect(await errorOf(wrongProof)).toMatchObject({ code: 100, message: 'Invalid appsecret_proof provided in the API argument' });
    const proof = createHmac('sha256', SIMULATOR_CREDENTIALS.meta.clientSecret).update(token).digest('hex');
    expect((await get(`/${LUCIA}/insights?${QUERY}&appsecret_proof=${proof}`, token)).status).toBe(200);

    const pagesOnly = metaToken(state, { scopes: ['pages_show_list'] }).token;
    const noScope = await get(`/${LUCIA}/insights?${QUERY}`, pagesOnly);
    expect(noScope.status).toBe(403);
    expect(await errorOf(noScope)).toMatchObject({ code: 200 });
    const managing = metaToken(state, { scopes: ['ads_management'] }).token;
    expect((await get(`/${LUCIA}/insights?${QUERY}`, managing)).status).toBe(200);

    const foreign = await get(`/${BEN}/insights?${QUERY}`, token);
    expect(foreign.status).toBe(400);
    expect(await errorOf(foreign)).toMatchObject({ code: 100, error_subcode: 33 });
    const unknownPersona = metaToken(state, { personaId: 'nobody' }).token;
    expect(await errorOf(await get(`/${LUCIA}/insights?${QUERY}`, unknownPersona))).toMatchObject({ code: 100, error_subcode: 33 });
  });

  it('refuses report parameters it does not simulate with error 100', async () => {
    const { state, get } = setup();
    const { token } = metaToken(state);
    for (const query of [
      `level=ad&time_increment=1&time_range=${RANGE}`,
      `level=campaign&time_increment=all_days&time_range=${RANGE}`,
      'level=campaign&time_increment=1&time_range=not-json',
      'level=campaign&time_increment=1',
      `level=campaign&time_increment=1&time_range=${encodeURIComponent('{"since":"2026-11-01"}')}`,
    ]) {
      const res = await get(`/${LUCIA}/insights?${query}`, token);
      expect(res.status, query).toBe(400);
      expect((await errorOf(res)).code, query).toBe(100);
    }
    expect(reportingOf(state).calls.meta?.insights).toBe(5);
  });
});

describe('simulator Meta async report runs', () => {
  const post = (get: ReturnType<typeof setup>['get'], token: string, body: string) =>
    get(`/${LUCIA}/insights`, token, { method: 'POST', body: new URLSearchParams(body) });

  it('runs Not Started → Running → Completed after the polls knob, then pages its rows; refuses rows before that', async () => {
    const { state, get, knobs } = setup();
    const { token } = metaToken(state);
    knobs.metaPollsUntilComplete = 2;
    const created = await post(get, token, `${QUERY}&fields=campaign_id,spend`);
    expect(created.status).toBe(200);
    const { report_run_id: id } = (await created.json()) as { report_run_id: string };
    expect(id).toMatch(/^9990\d{12}$/);

    const early = await get(`/${id}/insights`, token);
    expect(early.status).toBe(400);
    expect((await errorOf(early)).message).toBe('(#100) The report run is not completed');

    const polls = [];
    for (let i = 0; i < 3; i++) polls.push((await (await get(`/${id}`, token)).json()) as { async_status: string; async_percent_completion: number; account_id: string });
    expect(polls.map((p) => p.async_status)).toEqual(['Job Not Started', 'Job Running', 'Job Completed']);
    expect(polls.map((p) => p.async_percent_completion)).toEqual([33, 67, 100]);
    expect(polls[0]!.account_id).toBe('1234567890123451');

    const rows = await get(`/${id}/insights`, token);
    expect(rows.status).toBe(200);
    const body = (await rows.json()) as { data: { spend: string; campaign_id: string }[] };
    expect(body.data.length).toBeGreaterThan(0);
    expect(Object.keys(body.data[0]!).sort()).toEqual(['campaign_id', 'date_start', 'date_stop', 'spend']);
    expect(reportingOf(state).calls.meta).toMatchObject({ report_run_create: 1, report_run_poll: 3, report_run_insights: 1 });
  });

  it('sends the usage headers on the create, the poll and the rows as Graph does, or only on the endpoints metaUsageOn names', async () => {
    const { state, get, knobs } = setup();
    const { token } = metaToken(state);
    knobs.metaPollsUntilComplete = 0;
    knobs.metaUsagePct = 96;
    const usage = (res: Response) => res.headers.get('x-ad-account-usage');
    const created = await post(get, token, QUERY);
    expect(JSON.parse(usage(created)!)).toMatchObject({ acc_id_util_pct: 96 });
    const { report_run_id: id } = (await created.json()) as { report_run_id: string };
    expect(JSON.parse(usage(await get(`/${id}`, token))!)).toMatchObject({ acc_id_util_pct: 96 });
    expect(JSON.parse(usage(await get(`/${id}/insights`, token))!)).toMatchObject({ acc_id_util_pct: 96 });

    knobs.metaUsageOn = ['report_run_insights'];
    expect(usage(await post(get, token, QUERY))).toBeNull();
    expect(usage(await get(`/${id}`, token))).toBeNull();
    expect(usage(await get(`/${LUCIA}/insights?${QUERY}`, token))).toBeNull();
    expect(usage(await get(`/${id}/insights`, token))).not.toBeNull();
  });

  it('fails the next run when metaFailReportRuns says so: Job Failed with Graph’s error fields, and no rows', async () => {
    const { state, get, knobs } = setup();
    const { token } = metaToken(state);
    knobs.metaPollsUntilComplete = 0;
    knobs.metaFailReportRuns = 1;
    const { report_run_id: failed } = (await (await post(get, token, QUERY)).json()) as { report_run_id: string };
    expect(knobs.metaFailReportRuns).toBe(0);
    const status = (await (await get(`/${failed}`, token)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ async_status: 'Job Failed', async_percent_completion: 0, error_code: 2, error_subcode: 1487534 });
    expect((await get(`/${failed}/insights`, token)).status).toBe(400);

    const { report_run_id: ok } = (await (await post(get, token, QUERY)).json()) as { report_run_id: string };
    expect(await (await get(`/${ok}`, token)).json()).toMatchObject({ async_status: 'Job Completed', async_percent_completion: 100 });
    expect(await (await get(`/${ok}`, token)).json()).not.toHaveProperty('error_code');
  });

  it('refuses creating a run with bad parameters or a dead token, and hides a run from another app or an unknown id', async () => {
    const { state, get } = setup();
    const { token } = metaToken(state);
    const bad = await post(get, token, 'level=ad&time_increment=1');
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).code).toBe(100);
    expect(await errorOf(await post(get, 'EAAdead', QUERY))).toMatchObject({ code: 190 });
    expect(reportingOf(state).metaRuns.size).toBe(0);

    // Parameters in the query string count like form fields.
    const viaQuery = await get(`/${LUCIA}/insights?${QUERY}`, token, { method: 'POST' });
    const { report_run_id: id } = (await viaQuery.json()) as { report_run_id: string };
    expect(id).toMatch(/^9990/);

    const otherApp = metaToken(state, { clientId: 'another-app' }).token;
    for (const path of [`/${id}`, `/${id}/insights`, '/9990000000000000']) {
      const res = await get(path, path === '/9990000000000000' ? token : otherApp);
      expect(res.status, path).toBe(400);
      expect(await errorOf(res), path).toMatchObject({ code: 100, error_subcode: 33 });
    }
    expect(await errorOf(await get(`/${id}`, 'EAAdead'))).toMatchObject({ code: 190 });
  });
});
