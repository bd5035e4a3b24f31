import 'server-only';
import { z } from 'zod';
import type { Database } from '../db';
import {
  listConnectionsNeedingTargets,
  mergeConnectionMetadata,
  postponeTargetRefresh,
  saveTargets,
  type TargetInput,
  type TargetSourceConnection,
} from '../db/insights-targets';

/**
 * Sync targets come from the connection's metadata, fetched at connect (lib/providers/<slug>/accounts.ts):
 * Amazon profiles per region, LinkedIn ad accounts, Meta ad accounts, the X account itself.
 * Once a day per connection the provider is asked again and the metadata and targets follow it.
 */

const text = z.string().optional().catch(undefined);
const AmazonProfiles = z
  .object({
    profiles: z
      .record(
        z.string(),
        z.array(
          z.object({
            profileId: z.union([z.string(), z.number()]).transform(String),
            countryCode: text,
            currencyCode: text,
            timezone: text,
            accountInfo: z.object({ type: text, name: text }).optional().catch(undefined),
          }),
        ),
      )
      .catch({}),
  })
  .catch({ profiles: {} });
const AdAccounts = z
  .object({
    adAccounts: z
      .array(z.object({ id: z.union([z.string(), z.number()]).transform(String), name: text, currency: text, timezoneName: text }))
      .catch([]),
  })
  .catch({ adAccounts: [] });

export function deriveTargets(connection: Pick<TargetSourceConnection, 'provider' | 'external_account_id' | 'display_name' | 'metadata'>): TargetInput[] {
  const metadata = connection.metadata ?? {};
  switch (connection.provider) {
    case 'amazon-ads':
      return Object.entries(AmazonProfiles.parse(metadata).profiles).flatMap(([region, profiles]) =>
        profiles.map((p) => ({
          accountId: p.profileId,
          accountName: [p.accountInfo?.name, p.countryCode].filter(Boolean).join(' · ') || null,
          region,
          currency: p.currencyCode ?? null,
          timeZone: p.timezone ?? 'UTC',
          // Agency (DSP) profiles fail in the sponsored-products reports ("Advertiser ID cannot be decrypted", airbyte #6240).
          skipReason: p.accountInfo?.type === 'agency' ? 'Amazon DSP (agency) profiles are not synced' : null,
        })),
      );
    case 'linkedin':
      return AdAccounts.parse(metadata).adAccounts.map((a) => ({
        accountId: a.id,
        accountName: a.name ?? null,
        region: null,
        currency: a.currency ?? null,
        timeZone: 'UTC', // LinkedIn reports days in UTC (insights.md)
        skipReason: null,
      }));
    case 'meta':
      return AdAccounts.parse(metadata).adAccounts.map((a) => ({
        accountId: a.id.startsWith('act_') ? a.id : `act_${a.id}`,
        accountName: a.name ?? null,
        region: null,
        currency: a.currency ?? null,
        timeZone: a.timezoneName ?? 'UTC',
        skipReason: null,
      }));
    case 'x':
      return [
        { accountId: connection.external_account_id, accountName: connection.display_name, region: null, currency: null, timeZone: 'UTC', skipReason: null },
      ];
    default:
      return [];
  }
}

/**
 * Asks the provider which accounts the connection reaches now (its accounts fetcher); returns the
 * metadata to merge, or undefined when the provider could not be asked (targets then stay as they are).
 */
export type AccountLister = (connection: TargetSourceConnection) => Promise<Record<string, unknown> | undefined>;

export interface RefreshTargetsOptions {
  limit?: number;
  /** Without it, targets come from the stored metadata only (tests, or no provider at hand). */
  listAccounts?: AccountLister;
  /** Provider listings per call at most: each is one to four provider requests inside the sweep's budget. */
  providerLimit?: number;
  /** ms since epoch: no provider listing starts after it. */
  deadline?: number;
  /** Nor once this is aborted (the process is stopping). */
  signal?: AbortSignal;
}

/**
 * Turns connections not looked at for a day into targets; returns how many connections. A
 * connection derived before is listed at the provider again first (its metadata updated), so a new
 * ad account becomes a target and one no longer listed is disabled (its runs and figures kept).
 * A never-derived connection uses its metadata as connect stored it, minutes old. X's one target
 * is the account itself: nothing to list.
 */
export async function refreshSyncTargets(db: Database, options: RefreshTargetsOptions = {}): Promise<number> {
  const connections = await listConnectionsNeedingTargets(db, { limit: options.limit ?? 200 });
  let listed = 0;
  let done = 0;
  for (const c of connections) {
    const stale = c.insight_targets_at != null && c.provider !== 'x';
    if (stale && options.listAccounts) {
      if (listed >= (options.providerLimit ?? 25) || (options.deadline !== undefined && Date.now() >= options.deadline) || options.signal?.aborted) {
        continue;
      }
      listed++;
      const metadata = await options.listAccounts(c).catch(() => undefined);
      if (!metadata) {
        await postponeTargetRefresh(db, c);
        continue;
      }
      await mergeConnectionMetadata(db, { id: c.id, metadata });
      c.metadata = { ...c.metadata, ...metadata };
    }
    // One statement per connection, each its own transaction: no locks held across connections.
    await saveTargets(db, c, deriveTargets(c));
    done++;
  }
  return done;
}
