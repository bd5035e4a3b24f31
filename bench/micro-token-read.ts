/**
 * Per-request CPU of the token route's own steps, in this process (no HTTP, no database):
 * `tsx --conditions=react-server bench/micro-token-read.ts`. What each costs beside the round
 * trips and Next's pipeline (the framework floor).
 */
import { performance } from 'node:perf_hooks';
import crypto from 'node:crypto';
import { NextResponse } from 'next/server';
import { hashApiKey, hashesEqual, parseBearerApiKey, generateApiKey } from '@/lib/api-keys/format';
import { cacheKey, cacheEpoch, lookupCachedKey } from '@/lib/api-keys/cache';
import { accessTokenSchema } from '@/lib/api-schemas/connections';
import { respond } from '@/lib/http/respond';
import { withRateLimitHeaders } from '@/lib/rate-limit/headers';
import { encryptToken, decryptToken } from '@/lib/tokens/keys';
import { createAuditBuffer } from '@/lib/audit-buffer';
import { withLogContext } from '@/lib/log-context';

process.env.ENCRYPTION_KEYS ??= 'Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE=';
const N = 20_000;
function time(name: string, fn: () => unknown) {
  for (let i = 0; i < 2000; i++) fn();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) fn();
  console.log(`${name.padEnd(40)} ${(((performance.now() - t0) * 1000) / N).toFixed(2)} µs`);
}
async function timeAsync(name: string, fn: () => Promise<unknown>) {
  for (let i = 0; i < 2000; i++) await fn();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await fn();
  console.log(`${name.padEnd(40)} ${(((performance.now() - t0) * 1000) / N).toFixed(2)} µs`);
}

const { key, prefix } = generateApiKey();
const header = `Bearer ${key}`;
cacheKey(prefix, { keyId: crypto.randomUUID(), userId: 'local', secretHash: hashApiKey(key) }, cacheEpoch());
const enc = encryptToken('Atza|' + 'x'.repeat(300));
const decision = { policy: { name: 'token_api' as const, limit: 600, windowSec: 60 }, allowed: true, remaining: 500, resetSec: 30 };
const audit = createAuditBuffer(async () => ({ query: async () => [] }) as never, async () => {});
const expiresAt = new Date(Date.now() + 3600_000);

time('parse bearer + sha256 + cache + compare', () => {
  const p = parseBearerApiKey(header)!;
  const h = hashApiKey(p.key);
  const c = lookupCachedKey(p.prefix);
  return c.hit && c.key && hashesEqual(h, c.key.secretHash);
});
time('rate-limit subject hash', () => `token_api:${crypto.createHash('sha256').update('0b8f0c8e-1111-4222-8333-444455556666').digest('base64url').slice(0, 32)}`);
time('Fernet decrypt', () => decryptToken(enc));
time('respond (JSON round trip + zod) ', () => respond(accessTokenSchema, { access_token: 'Atza|xyz', token_type: 'bearer', expires_at: expiresAt }, { headers: { 'cache-control': 'no-store', pragma: 'no-cache' } }));
time('NextResponse.json only', () => NextResponse.json({ access_token: 'Atza|xyz', token_type: 'bearer', expires_at: expiresAt.toISOString() }, { headers: { 'cache-control': 'no-store', pragma: 'no-cache' } }));
time('rate-limit headers', () => withRateLimitHeaders(NextResponse.json({}), decision));
time('audit record', () => audit.record({ userId: 'local', connectionId: 'c', actor: 'api_key:x', action: 'token.read', outcome: 'success', detail: { expiresAt: expiresAt.toISOString(), refreshed: false }, requestId: 'r' }, 'k'));
await timeAsync('withLogContext (ALS run)', () => withLogContext({ requestId: 'r' }, async () => 1));
time('Response(JSON.stringify) + all headers in init', () => new Response(JSON.stringify({ access_token: 'Atza|xyz', token_type: 'bearer', expires_at: expiresAt.toISOString() }), { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache', 'ratelimit-policy': '"token_api";q=600;w=60', ratelimit: '"token_api";r=500;t=30' } }));
time('zod safeParse only', () => accessTokenSchema.safeParse({ access_token: 'Atza|xyz', token_type: 'bearer', expires_at: expiresAt.toISOString() }));
process.exit(0);
