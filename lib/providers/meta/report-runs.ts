import 'server-only';
import { z } from 'zod';
import { invalidResponseError } from '../../oauth/errors';
import type { FetchContext, ReportFetcher, ReportStatus, UsagePause } from '../../insights/fetcher';
import { requestJson, type InsightRequest } from '../../insights/http';
import type { DayRange, InsightRow } from '../../insights/types';
import { ProviderError, type ProviderCredentials } from '../types';
import { isMetaDefinition, type MetaDefinition } from './definition';
import { buildGraphRequest } from './graph';
import { actId, InsightsPage, insightParams, MAX_PAGES, PAGE_LIMIT, parseInsightsPage, usagePauseSec } from './insights';

/**
 * Meta's async insights for long ranges (providers.md §4 "Insights" [M25][M20]): `POST
 * /act_<id>/insights` with the paged read's parameters answers a `report_run_id`; `GET
 * /<report_run_id>` says `async_status` ("Job Not Started/Started/Running/Completed/Failed/Skipped")
 * and `async_percent_completion`; `GET /<report_run_id>/insights` pages the rows. The engine keeps
 * the id in the run's progress (as Amazon's report ids), so a restarted run polls the same job.
 * Every answer carries the usage headers, as the paged read's do [M5]: each step passes on the pause
 * they advise (usagePauseSec), and the engine starts no new create or poll near the limit.
 */

type Graph = { definition: Pick<MetaDefinition, 'graphUrl' | 'appSecretProof'>; credentials: Pick<ProviderCredentials, 'clientSecret'> };

const graphCall = (p: Graph, method: 'GET' | 'POST', path: string, accessToken: string, params: Record<string, string> = {}): InsightRequest => {
  // The token travels in the Authorization header, never in the URL (graph.ts).
  const { url, headers } = buildGraphRequest(p, p.definition.graphUrl(path), accessToken, params);
  return { method, url, headers };
};

export const buildReportRunRequest = (p: Graph, accountId: string, chunk: DayRange, accessToken: string) =>
  graphCall(p, 'POST', `${actId(accountId)}/insights`, accessToken, insightParams(chunk));

export const buildReportStatusRequest = (p: Graph, reportRunId: string, accessToken: string) =>
  graphCall(p, 'GET', encodeURIComponent(reportRunId), accessToken, { fields: 'id,async_status,async_percent_completion,error_code,error_message' });

export const buildReportInsightsRequest = (p: Graph, reportRunId: string, accessToken: string, after?: string) =>
  graphCall(p, 'GET', `${encodeURIComponent(reportRunId)}/insights`, accessToken, { limit: PAGE_LIMIT, ...(after ? { after } : {}) });

const Created = z.object({ report_run_id: z.union([z.string().min(1), z.number()]).transform(String) });
const Status = z.object({
  async_status: z.string(),
  async_percent_completion: z.number().optional(),
  error_code: z.union([z.number(), z.string()]).optional(),
  error_message: z.string().optional(),
});

/** Maps a status answer: done only at "Job Completed" with 100 % (Meta can say Completed a moment before the rows are readable). */
export function reportRunStatus(body: z.infer<typeof Status>, reportRunId: string): ReportStatus {
  switch (body.async_status) {
    case 'Job Completed':
      return (body.async_percent_completion ?? 100) >= 100 ? { status: 'completed', url: reportRunId } : { status: 'pending' };
    case 'Job Failed':
    case 'Job Skipped': {
      const detail = body.error_message ? `: ${body.error_message.slice(0, 200)}` : '';
      return { status: 'failed', reason: `Meta report run ${body.async_status.toLowerCase()}${detail}` };
    }
    default:
      return { status: 'pending' };
  }
}

/**
 * Graph's answer for an id it does not know (or no longer keeps): code 100, subcode 33, "Unsupported
 * get request. Object with ID '…' does not exist" [M4]. Type varies (GraphMethodException or
 * OAuthException), so the numbers decide.
 */
export function isUnknownReportRun(err: unknown): boolean {
  return err instanceof ProviderError && /\/100$/.test(err.code) && err.subcode === 33;
}

const graphOf = (ctx: FetchContext): Graph => {
  const definition = ctx.provider.definition;
  if (!isMetaDefinition(definition)) throw invalidResponseError(0, [{ path: ['definition'] }]);
  return { definition, credentials: ctx.provider.credentials };
};

export const metaReportRuns: ReportFetcher = {
  kind: 'report',
  async createReport(ctx, chunk) {
    const { body, headers } = await requestJson(ctx.provider, buildReportRunRequest(graphOf(ctx), ctx.target.accountId, chunk, ctx.accessToken), Created);
    return withPause({ reportId: body.report_run_id }, usagePauseSec(headers));
  },
  async pollReport(ctx, reportRunId) {
    try {
      const { body, headers } = await requestJson(ctx.provider, buildReportStatusRequest(graphOf(ctx), reportRunId, ctx.accessToken), Status);
      return withPause(reportRunStatus(body, reportRunId), usagePauseSec(headers));
    } catch (err) {
      // Report runs are kept for a limited time: one Meta no longer knows is re-created by the engine
      // (within its bounded re-creations) rather than failing the run for good.
      if (isUnknownReportRun(err)) return { status: 'failed', reason: `Meta no longer knows report run ${reportRunId} (expired)` };
      throw err;
    }
  },
  /** `url` is the report run id (reportRunStatus): the rows are read page by page with the token. */
  async downloadReport(ctx, reportRunId) {
    const graph = graphOf(ctx);
    const rows: InsightRow[] = [];
    let after: string | undefined;
    let pauseSec: number | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const { body, headers } = await requestJson(ctx.provider, buildReportInsightsRequest(graph, reportRunId, ctx.accessToken, after), InsightsPage);
      rows.push(...parseInsightsPage(body, ctx.target.currency));
      const pause = usagePauseSec(headers);
      if (pause !== undefined) pauseSec = Math.max(pauseSec ?? 0, pause);
      after = body.paging?.cursors?.after;
      // Near the limit the remaining pages are still read: the chunk is written whole, then the run pauses.
      if (!body.paging?.next || !after) break;
    }
    return withPause({ rows }, pauseSec);
  },
};

/** The answer, with `pauseSec` only when the usage headers advise one. */
const withPause = <T extends object>(answer: T, pauseSec: number | undefined): T & UsagePause => (pauseSec === undefined ? answer : { ...answer, pauseSec });
