import type { ResolvedProvider } from '../providers/types';
import type { DayRange, InsightRow, SyncTarget } from './types';

/**
 * What each provider's lib/providers/<slug>/insights.ts offers the engine: synchronous reads
 * (LinkedIn, Meta, X) or Amazon's asynchronous reports (create → poll → download).
 */

export interface FetchContext {
  provider: ResolvedProvider;
  accessToken: string;
  target: SyncTarget;
  /** The current time (X's end_time must be in the past). */
  now: Date;
  /** Which chunk of the run this is (0: the first): once-per-run reads such as campaign lists go with the first. */
  chunkIndex?: number;
}

/** A campaign as the provider lists it, with or without figures in the window. */
export interface CampaignInfo {
  campaignId: string;
  name: string | null;
  status: string | null;
}

/** The provider said it is near its limit (Meta usage headers [M5]): pause this long before the next call. Amazon never says so. */
export interface UsagePause {
  pauseSec?: number;
}

export interface ChunkResult extends UsagePause {
  rows: InsightRow[];
  requests: number;
  /** The account's campaigns (LinkedIn's analytics carry ids only), stored with the chunk's rows. */
  campaigns?: CampaignInfo[];
}

export interface SyncFetcher {
  kind: 'sync';
  fetchChunk(ctx: FetchContext, chunk: DayRange): Promise<ChunkResult>;
}

export type ReportStatus = ({ status: 'pending' } | { status: 'completed'; url: string } | { status: 'failed'; reason: string }) & UsagePause;

export interface CreatedReport extends UsagePause {
  reportId: string;
}

export interface ReportRows extends UsagePause {
  rows: InsightRow[];
}

/** Each step's answer may carry a pause: the engine then starts no new create or poll (report-steps.ts). */
export interface ReportFetcher {
  kind: 'report';
  createReport(ctx: FetchContext, chunk: DayRange): Promise<CreatedReport>;
  pollReport(ctx: FetchContext, reportId: string): Promise<ReportStatus>;
  downloadReport(ctx: FetchContext, url: string): Promise<ReportRows>;
}

export type InsightFetcher = SyncFetcher | ReportFetcher;
