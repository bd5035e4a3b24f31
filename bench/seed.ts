import crypto from 'node:crypto';
import type postgres from 'postgres';
import type { MultiFernet } from '@/lib/tokens/fernet';

/**
 * Due connections whose tokens the running server's own simulator knows: grants come from its
 * test-only `POST /api/simulator/_admin/seed`, and the connection rows go straight into
 * PostgreSQL (tokens Fernet-encrypted with the server's key), due a minute ago, for user `local`.
 */

export const SEED_PROVIDERS = ['x', 'amazon-ads', 'linkedin'] as const;

/** The bench server's SIMULATOR_ADMIN_SECRET (its admin API is off in production without one). */
export const SIMULATOR_ADMIN_SECRET = crypto.randomBytes(24).toString('hex');
export const SIMULATOR_ADMIN_HEADERS = { authorization: `Bearer ${SIMULATOR_ADMIN_SECRET}` };
export type SeedProvider = (typeof SEED_PROVIDERS)[number];

interface SeededGrant {
  personaId: string;
  accessToken: string;
  refreshToken: string;
  expiresInSec: number;
}

export async function seedGrants(baseUrl: string, provider: SeedProvider, count: number): Promise<SeededGrant[]> {
  const res = await fetch(`${baseUrl}/api/simulator/_admin/seed`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...SIMULATOR_ADMIN_HEADERS },
    body: JSON.stringify({ provider, count }),
    signal: AbortSignal.timeout(120_000),
  });
  if (res.status !== 200) {
    throw new Error(
      `POST /api/simulator/_admin/seed answered ${res.status}: ${(await res.text()).slice(0, 300)} ` +
        '(is the .next-bench build older than lib/simulator/admin.ts? rebuild with --rebuild)',
    );
  }
  const { grants } = (await res.json()) as { grants: SeededGrant[] };
  if (grants.length !== count) throw new Error(`seed returned ${grants.length} grants, expected ${count}`);
  return grants;
}

/** Splits `total` as evenly as possible across the providers. */
export function splitAcross(total: number): Record<SeedProvider, number> {
  const base = Math.floor(total / SEED_PROVIDERS.length);
  const extra = total % SEED_PROVIDERS.length;
  return Object.fromEntries(SEED_PROVIDERS.map((p, i) => [p, base + (i < extra ? 1 : 0)])) as Record<SeedProvider, number>;
}

export async function seedDueConnections(
  sql: postgres.Sql,
  baseUrl: string,
  cipher: MultiFernet,
  total: number,
  /** 'fresh': not due for an hour and valid for two (token-API-only runs, `--only b`). */
  when: 'due' | 'fresh' = 'due',
): Promise<Record<SeedProvider, number>> {
  const [expires, nextAttempt] =
    when === 'due' ? ['now() + make_interval(secs => ttl)', "now() - interval '1 minute'"] : ["now() + interval '2 hours'", "now() + interval '1 hour'"];
  const split = splitAcross(total);
  await sql`insert into users (id, display_name) values ('local', 'Local operator') on conflict do nothing`;
  for (const provider of SEED_PROVIDERS) {
    const grants = await seedGrants(baseUrl, provider, split[provider]);
    for (let i = 0; i < grants.length; i += 1000) {
      const chunk = grants.slice(i, i + 1000);
      await sql.unsafe(
        `insert into connections (user_id, provider, external_account_id, display_name, access_token_enc, refresh_token_enc,
                                  expires_at, next_attempt_at, metadata)
         select 'local', $1, ext, ext, acc, ref, ${expires}, ${nextAttempt}, meta::jsonb
           from unnest($2::text[], $3::text[], $4::text[], $5::float8[], $6::text[]) as t(ext, acc, ref, ttl, meta)`,
        [
          provider,
          chunk.map((g) => g.personaId),
          chunk.map((g) => cipher.encrypt(g.accessToken)),
          chunk.map((g) => cipher.encrypt(g.refreshToken)),
          chunk.map((g) => g.expiresInSec),
          chunk.map(() => JSON.stringify(provider === 'amazon-ads' ? { region: 'na' } : {})),
        ],
      );
    }
  }
  return split;
}
