import 'server-only';
import { z } from 'zod';
import type { Database } from '../db';
import { listConnectionsNeedingTargets, saveTargets, type TargetInput, type TargetSourceConnection } from '../db/insights-targets';

/**
 * Sync targets come from the connection's metadata, fetched at connect (lib/providers/*-accounts.ts):
 * Amazon profiles per region, LinkedIn ad accounts, Meta ad accounts, the X account itself.
 * Re-derived once a day per connection.
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

/** Turns the metadata of connections not looked at for a day into targets; returns how many connections. */
export async function refreshSyncTargets(db: Database, limit = 200): Promise<number> {
  const connections = await listConnectionsNeedingTargets(db, { limit });
  // One statement per connection, each its own transaction: no locks held across connections.
  for (const c of connections) await saveTargets(db, c, deriveTargets(c));
  return connections.length;
}
