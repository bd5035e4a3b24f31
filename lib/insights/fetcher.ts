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

export interface ChunkResult {
  rows: InsightRow[];
  requests: number;
  /** The provider said it is near its limit (Meta usage headers): pause this long before the next call. */
  pauseSec?: number;
  /** The account's campaigns (LinkedIn's analytics carry ids only), stored with the chunk's rows. */
  campaigns?: CampaignInfo[];
}

export interface SyncFetcher {
  kind: 'sync';
  fetchChunk(ctx: FetchContext, chunk: DayRange): Promise<ChunkResult>;
}

export type ReportStatus =
  | { status: 'pending' }
  | { status: 'completed'; url: string }
  | { status: 'failed'; reason: string };

export interface ReportFetcher {
  kind: 'report';
  createReport(ctx: FetchContext, chunk: DayRange): Promise<string>;
  pollReport(ctx: FetchContext, reportId: string): Promise<ReportStatus>;
  downloadReport(ctx: FetchContext, url: string): Promise<InsightRow[]>;
}

export type InsightFetcher = SyncFetcher | ReportFetcher;
